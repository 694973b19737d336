/**
 * The Slack notifier: one progress message per run, updated in place as steps change, an approval request per gate
 * (updated with the outcome), the escalation, and a final summary in the run's thread. The ts of every message goes
 * into the NotificationRefs the workflow keeps, so later events (and a restarted worker) update instead of posting.
 *
 * Where a run's messages go: the channel of its trigger (a slash command's channel), else the default channel; when
 * the bot cannot post to the trigger's channel (a DM, a private channel it is not in), the default channel.
 *
 * Idempotence under activity retries:
 * - An update is harmless to repeat, and skipped outright when the rendered progress is what was last sent (a digest
 *   in the refs).
 * - A post is not: Slack may have posted the message and the activity failed after (lost answer, worker crash, a
 *   later call of the same event failing). Every post therefore carries message metadata naming the run and the
 *   message (`cordon_message` {workflow_id, key}), and a retried attempt first looks for that message in the channel
 *   (`conversations.history`, or `conversations.replies` in the thread) and updates it instead of posting again.
 *   First attempts skip the look-up, so the normal path costs no extra call. When the look-up itself is refused
 *   (no `channels:history` scope, a channel given by name), the post goes ahead and a duplicate stays possible; a
 *   look-up that fails because Slack is down fails the attempt, to be retried.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WebClient } from '@slack/web-api';
import type { NotificationRefs, Notifier, RunEvent } from '../activities/run-services';
import type { ApprovalState, RunState } from '../workflows/run-state';
import { approvalMessage, escalationNotice, fullRequestMessages, requestFits } from './approval-message';
import type { SlackMessage } from './block-kit';
import { progressMessage } from './progress-message';
import { summaryMessage } from './summary-message';
import { describeSlackError, hasSlackCode, slackFailure } from './errors';

/** The `event_type` of the metadata on every message cordon posts. */
export const MESSAGE_EVENT_TYPE = 'cordon_message';

/** Keys of the refs this notifier keeps. */
export const SLACK_REFS = {
  channel: 'slack.channel',
  progress: 'slack.progress',
  digest: 'slack.digest',
  summary: 'slack.summary',
  approval: (stepId: string) => `slack.approval.${stepId}`,
  escalation: (stepId: string) => `slack.escalation.${stepId}`,
  escalationChannel: (stepId: string) => `slack.escalation.${stepId}.channel`,
  escalationNote: (stepId: string) => `slack.escalated.${stepId}`,
  fullRequest: (stepId: string, part: number) => `slack.approval.${stepId}.full.${part}`,
} as const;

/** Errors that mean "not this channel", after which another channel may do. */
const UNPOSTABLE = ['channel_not_found', 'not_in_channel', 'is_archived'];

export interface SlackNotifierOptions {
  /** Where runs without a channel of their own (detections, the CLI) post; without it they post nothing. */
  defaultChannel?: string;
  /**
   * Whether this call may repeat one that already posted (a retried activity); then posts look for their message
   * first. Default: the current activity's attempt is above 1.
   */
  isRetry?: () => boolean;
  /** Where to say that something went wrong but the notification went on. @default console.warn */
  warn?: (message: string) => void;
}

function activityIsRetry(): boolean {
  try {
    return Context.current().info.attempt > 1;
  } catch {
    return false;
  }
}

/** The channel a run's messages go to first. */
export function runChannel(state: RunState, defaultChannel?: string): string | undefined {
  return state.trigger.channel || defaultChannel;
}

interface Posted {
  channel: string;
  ts: string;
}

function digestOf(message: SlackMessage): string {
  return createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 16);
}

/** The messages of one run, for one event: reads and extends a copy of the run's refs. */
class RunMessages {
  constructor(
    private readonly web: WebClient,
    private readonly state: RunState,
    readonly refs: NotificationRefs,
    private readonly options: { defaultChannel?: string; retry: boolean; warn: (message: string) => void },
  ) {}

  private get channel(): string {
    const channel = this.refs[SLACK_REFS.channel];
    if (!channel) throw new Error('the run has no Slack message yet');
    return channel;
  }

  async handle(event: RunEvent): Promise<void> {
    switch (event.kind) {
      case 'progress':
        return this.progress();
      case 'approval_requested':
        await this.ensureProgress();
        await this.approval(event.approval);
        return this.progress();
      case 'approval_decided':
        await this.ensureProgress();
        await this.approval(event.approval);
        await this.escalationCopy(event.approval);
        return this.progress();
      case 'approval_escalated':
        await this.ensureProgress();
        await this.approval(event.approval);
        await this.escalate(event.approval, event.channel);
        return this.progress();
      case 'run_finished':
        await this.progress();
        return this.summary();
    }
  }

  private async ensureProgress(): Promise<void> {
    if (!this.refs[SLACK_REFS.progress]) await this.progress();
  }

  private async progress(): Promise<void> {
    const message = progressMessage(this.state);
    const digest = digestOf(message);
    const ts = this.refs[SLACK_REFS.progress];
    if (ts && this.refs[SLACK_REFS.digest] === digest) return;
    if (ts && !(await this.updateUnlessGone(this.channel, ts, message))) delete this.refs[SLACK_REFS.progress];
    if (!this.refs[SLACK_REFS.progress]) {
      const posted = await this.postToRunChannel('progress', message);
      this.refs[SLACK_REFS.channel] = posted.channel;
      this.refs[SLACK_REFS.progress] = posted.ts;
    }
    this.refs[SLACK_REFS.digest] = digest;
  }

  /** Posts to the trigger's channel, else (when the bot cannot post there) to the default channel. */
  private async postToRunChannel(key: string, message: SlackMessage): Promise<Posted> {
    const primary = this.refs[SLACK_REFS.channel] ?? runChannel(this.state, this.options.defaultChannel);
    if (!primary) throw new Error('no channel for the run');
    try {
      return await this.postOnce(primary, key, message);
    } catch (error) {
      const fallback = this.options.defaultChannel;
      if (!fallback || fallback === primary || !hasSlackCode(error, ...UNPOSTABLE)) throw error;
      this.options.warn(
        `cordon: cannot post ${this.state.workflowId} to ${primary} (${describeSlackError(error)}); posting to ${fallback} instead`,
      );
      return this.postOnce(fallback, key, message);
    }
  }

  private async approval(approval: ApprovalState): Promise<void> {
    const key = SLACK_REFS.approval(approval.stepId);
    const message = approvalMessage(this.state, approval);
    const ts = this.refs[key];
    if (ts && (await this.updateUnlessGone(this.channel, ts, message))) return;
    const posted = await this.postOnce(this.channel, `approval:${approval.stepId}`, message);
    this.refs[key] = posted.ts;
    await this.fullRequest(approval, posted.ts);
  }

  /** When the request does not fit in its message, the whole of it goes in the message's thread, once. */
  private async fullRequest(approval: ApprovalState, threadTs: string): Promise<void> {
    if (requestFits(approval)) return;
    const parts = fullRequestMessages(this.state, approval);
    for (const [index, message] of parts.entries()) {
      const key = SLACK_REFS.fullRequest(approval.stepId, index);
      if (this.refs[key]) continue;
      const posted = await this.postOnce(this.channel, `full:${approval.stepId}:${index}`, message, { threadTs });
      this.refs[key] = posted.ts;
    }
  }

  /** An escalation: a request with buttons in the escalation channel, or a note in the run's thread. */
  private async escalate(approval: ApprovalState, channel: string | undefined): Promise<void> {
    if (channel) {
      try {
        return await this.escalationCopy(approval, channel);
      } catch (error) {
        if (!hasSlackCode(error, ...UNPOSTABLE)) throw error;
        this.options.warn(
          `cordon: cannot post the escalation of ${this.state.workflowId} to ${channel} (${describeSlackError(error)}); noting it in the run's thread`,
        );
      }
    }
    const key = SLACK_REFS.escalationNote(approval.stepId);
    if (this.refs[key]) return;
    const posted = await this.postOnce(
      this.channel,
      `escalated:${approval.stepId}`,
      escalationNotice(this.state, approval),
      {
        threadTs: this.refs[SLACK_REFS.progress],
        broadcast: true,
      },
    );
    this.refs[key] = posted.ts;
  }

  /** Updates the escalation channel's copy; posts it when `channel` is given and it is not there yet. */
  private async escalationCopy(approval: ApprovalState, channel?: string): Promise<void> {
    const key = SLACK_REFS.escalation(approval.stepId);
    const message = approvalMessage(this.state, approval, { escalation: true });
    const ts = this.refs[key];
    const where = this.refs[SLACK_REFS.escalationChannel(approval.stepId)];
    if (ts && where && (await this.updateUnlessGone(where, ts, message))) return;
    if (!channel) return;
    const posted = await this.postOnce(channel, `escalation:${approval.stepId}`, message);
    this.refs[key] = posted.ts;
    this.refs[SLACK_REFS.escalationChannel(approval.stepId)] = posted.channel;
  }

  private async summary(): Promise<void> {
    if (this.refs[SLACK_REFS.summary]) return;
    const posted = await this.postOnce(this.channel, 'summary', summaryMessage(this.state), {
      threadTs: this.refs[SLACK_REFS.progress],
    });
    this.refs[SLACK_REFS.summary] = posted.ts;
  }

  private metadata(key: string) {
    return { event_type: MESSAGE_EVENT_TYPE, event_payload: { workflow_id: this.state.workflowId, key } };
  }

  /** Updates a message; false when it no longer exists (someone deleted it), so the caller can post it again. */
  private async updateUnlessGone(channel: string, ts: string, message: SlackMessage, key?: string): Promise<boolean> {
    try {
      await this.web.chat.update({
        channel,
        ts,
        text: message.text,
        blocks: message.blocks,
        ...(key ? { metadata: this.metadata(key) } : {}),
      });
      return true;
    } catch (error) {
      if (hasSlackCode(error, 'message_not_found')) return false;
      throw slackFailure(`chat.update of ${ts} in ${channel}`, error);
    }
  }

  /** Posts a message unless a retried attempt finds it already posted (see the module comment). */
  private async postOnce(
    channel: string,
    key: string,
    message: SlackMessage,
    thread: { threadTs?: string; broadcast?: boolean } = {},
  ): Promise<Posted> {
    if (this.options.retry) {
      const found = await this.findPosted(channel, key, thread.threadTs);
      if (found && (await this.updateUnlessGone(found.channel, found.ts, message, key))) return found;
    }
    try {
      const common = {
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: this.metadata(key),
        unfurl_links: false,
        unfurl_media: false,
      };
      const result = await this.web.chat.postMessage(
        thread.threadTs
          ? { ...common, thread_ts: thread.threadTs, reply_broadcast: thread.broadcast === true }
          : common,
      );
      if (!result.ts) throw new Error('chat.postMessage answered without a ts');
      return { channel: result.channel ?? channel, ts: result.ts };
    } catch (error) {
      throw slackFailure(`chat.postMessage to ${channel}`, error);
    }
  }

  private async findPosted(channel: string, key: string, threadTs?: string): Promise<Posted | undefined> {
    try {
      const oldest = String(Math.floor(Date.parse(this.state.startedAt) / 1000) - 60);
      const result = threadTs
        ? await this.web.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 })
        : await this.web.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 });
      const found = (result.messages ?? []).find((candidate) => {
        if (candidate.metadata?.event_type !== MESSAGE_EVENT_TYPE) return false;
        const payload: Record<string, unknown> = { ...candidate.metadata.event_payload };
        return payload.workflow_id === this.state.workflowId && payload.key === key;
      });
      return found?.ts ? { channel, ts: found.ts } : undefined;
    } catch (error) {
      const failure = slackFailure(
        `${threadTs ? 'conversations.replies' : 'conversations.history'} of ${channel}`,
        error,
      );
      if (!failure.nonRetryable) throw failure;
      this.options.warn(
        `cordon: cannot check whether "${key}" of ${this.state.workflowId} was posted before (${describeSlackError(error)}); posting it, it may appear twice`,
      );
      return undefined;
    }
  }
}

/**
 * A notifier posting to Slack through `web`. It throws an `ApplicationFailure` when Slack fails: retryable for
 * outages and rate limits (with Slack's Retry-After), non-retryable for answers a retry cannot change.
 */
export function createSlackNotifier(web: WebClient, options: SlackNotifierOptions = {}): Notifier {
  const isRetry = options.isRetry ?? activityIsRetry;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  return {
    notify: async (event, refs) => {
      if (!refs[SLACK_REFS.channel] && !runChannel(event.state, options.defaultChannel)) return refs;
      const messages = new RunMessages(
        web,
        event.state,
        { ...refs },
        {
          defaultChannel: options.defaultChannel,
          retry: isRetry(),
          warn,
        },
      );
      await messages.handle(event);
      return messages.refs;
    },
  };
}
