/**
 * Fault: the local Slack down (connections refused, or a 503 for every call) while okta-account-compromise runs ask
 * for their lock-down approval. cordon's worker (a child process configured with SLACK_* as a team configures it) posts
 * to the local Slack's default channel. Runs start at drawn moments of the outage, so their approval requests fall
 * while Slack is down; once it is back, each request must be posted (the notify activity retries), exactly once; the
 * responder decides only after seeing it (a signed decision, as `cordon approve` sends), and the decision must count.
 * The outcome is read at the local Slack's record of messages and the local Okta's change log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../../bench/bench-temporal';
import { DecisionRefusedError } from '../../runs/decide';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { startSlackStandIn, type SlackOutage, type SlackStandIn, type StoredMessage } from '../../stand-ins/slack';
import { MESSAGE_EVENT_TYPE } from '../../slack/notifier';
import { decide } from '../support/people';
import {
  driveAccountRun,
  oktaOutcome,
  pendingLockDownHash,
  runFailures,
  runSample,
  startAccountRun,
  succeeded,
  type RunSample,
  type StartedAccountRun,
} from './account-run';
import { openAccountWorld, type AccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';

const RUNS_CHANNEL = 'C0RUNS';
const APPROVAL_KEY = 'approval:factors';

export interface SlackOutageOptions {
  runs: number;
  random: SeededRandom;
  /** How long Slack is down. @default 120000 */
  outageMs?: number;
  /** How Slack is down. @default refused */
  kind?: SlackOutage;
  /** How long after Slack is back a run's request may take to appear. @default 120000 */
  postDeadlineMs?: number;
  log?: (line: string) => void;
}

interface OutageSample extends RunSample {
  run: number;
  /** When the run started, from the start of the outage. */
  startAtMs: number;
  /** When the run was seen waiting for its approval, from the start of the outage. */
  requestedAtMs?: number;
  /** The request was made while Slack was down. */
  requestedWhileDown: boolean;
  /** When its approval message appeared in Slack, from the end of the outage (negative: before it). */
  postedAfterBackMs?: number;
  /** Approval messages of the gate in the channel (must be 1). */
  approvalMessages: number;
  /** The approval message shows the decision (updated after the click or signed decision). */
  approvalShowsDecision: boolean;
  /** Keys of the run's messages posted more than once. */
  postedTwice: string[];
  decisionCounted: boolean;
  decisionError?: string;
}

function cordonKey(message: StoredMessage, workflowId: string): string | undefined {
  const metadata = message.metadata;
  if (metadata?.event_type !== MESSAGE_EVENT_TYPE || metadata.event_payload.workflow_id !== workflowId)
    return undefined;
  const key = metadata.event_payload.key;
  return typeof key === 'string' ? key : undefined;
}

function messagesOf(slack: SlackStandIn, workflowId: string, key: string): StoredMessage[] {
  return slack.state.messages.filter((message) => cordonKey(message, workflowId) === key);
}

/** When Slack stored a message: its ts is the time in seconds, with microseconds. */
function postedAt(message: StoredMessage): number {
  return Math.round(Number(message.ts) * 1000);
}

async function approve(world: AccountWorld, run: StartedAccountRun, inputsHash: string) {
  try {
    const approval = await world.client.withDeadline(Date.now() + 30_000, () =>
      decide(world.client, run.workflowId, {
        stepId: 'factors',
        decision: 'approve',
        approver: 'responder',
        inputsHash,
      }),
    );
    return approval.status === 'approved'
      ? { counted: true }
      : { counted: false, error: `the gate is ${approval.status}` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { counted: false, error: error instanceof DecisionRefusedError ? `refused: ${message}` : message };
  }
}

export async function slackOutageScenario(
  temporal: TemporalTarget,
  options: SlackOutageOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const outageMs = options.outageMs ?? 120_000;
  const kind = options.kind ?? 'refused';
  const postDeadlineMs = options.postDeadlineMs ?? 120_000;
  const slack = await startSlackStandIn({ channels: [{ id: RUNS_CHANNEL, name: 'sec-runs' }] });
  try {
    const world = await openAccountWorld(temporal, 'slack', {
      extraEnv: {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.apiUrl,
        SLACK_DEFAULT_CHANNEL: RUNS_CHANNEL,
        SLACK_SIGNING_SECRET: 'local-signing-secret-of-the-fault-campaign',
      },
    });
    try {
      await world.startWorker();
      // A run with Slack up first: the worker posts to the local Slack at all, and has loaded what it needs.
      const warmUp = await startAccountRun(world, 'slack-warm-up@corp.example');
      const warm = await driveAccountRun(world.client, warmUp, 120_000);
      await slack.waitFor(() => messagesOf(slack, warmUp.workflowId, 'summary')[0], 60_000, 'the warm-up summary');
      if (warm.closed !== 'COMPLETED' || messagesOf(slack, warmUp.workflowId, APPROVAL_KEY).length !== 1)
        throw new Error(`the warm-up run with Slack up did not complete with one approval message (${warm.closed})`);

      // Runs start over the first three quarters of the outage (less the few seconds a run takes to ask).
      const startOffsets = Array.from({ length: options.runs }, () =>
        Math.round(options.random.uniform(0, Math.max(0, outageMs * 0.75 - 3_000))),
      ).sort((a, b) => a - b);
      await slack.goDown(kind);
      const downAt = Date.now();
      log(
        `slack outage: the local Slack is down (${kind}) for ${outageMs} ms; runs start at ${startOffsets.join(', ')} ms`,
      );
      let backAt = Number.POSITIVE_INFINITY;
      const back = (async () => {
        await sleep(outageMs);
        backAt = Date.now();
        await slack.comeBack();
        log(`slack outage: the local Slack is back after ${backAt - downAt} ms`);
      })();

      const samples = await Promise.all(
        startOffsets.map(async (startAtMs, index): Promise<OutageSample> => {
          await sleep(Math.max(0, downAt + startAtMs - Date.now()));
          const run = await startAccountRun(world, `slack-${index}@corp.example`);
          const inputsHash = await pendingLockDownHash(world, run);
          const requestedAt = Date.now();
          // The responder decides once the request is in Slack, as a responder who learns of it there would.
          const posted = await slack
            .waitFor(
              () => messagesOf(slack, run.workflowId, APPROVAL_KEY)[0],
              Math.max(0, downAt + outageMs - Date.now()) + postDeadlineMs,
              `the approval request of ${run.workflowId}`,
            )
            .catch(() => undefined);
          const decision = posted
            ? await approve(world, run, inputsHash)
            : { counted: false, error: `not posted within ${postDeadlineMs} ms of Slack's return` };
          const driven = await driveAccountRun(world.client, run, 300_000, { approve: false });
          // The run's last message; then nothing more of the run is on its way.
          await slack
            .waitFor(() => messagesOf(slack, run.workflowId, 'summary')[0], postDeadlineMs, 'the summary')
            .catch(() => undefined);
          const keys = slack.state.messages.flatMap((message) => cordonKey(message, run.workflowId) ?? []);
          const postedTwice = [...new Set(keys.filter((key, at) => keys.indexOf(key) !== at))];
          const approvalMessages = messagesOf(slack, run.workflowId, APPROVAL_KEY);
          const outcome = oktaOutcome(world.okta, run.victim);
          const sample: OutageSample = {
            run: index,
            startAtMs,
            requestedAtMs: requestedAt - downAt,
            requestedWhileDown: requestedAt < backAt,
            postedAfterBackMs: posted ? postedAt(posted) - backAt : undefined,
            approvalMessages: approvalMessages.length,
            approvalShowsDecision: approvalMessages.some(
              (message) => message.edits > 0 && JSON.stringify(message.blocks ?? []).includes('Approved'),
            ),
            postedTwice,
            decisionCounted: decision.counted,
            decisionError: decision.error,
            ...runSample(run, driven, outcome),
          };
          log(
            `slack outage: run ${index} started at ${startAtMs} ms, asked at ${sample.requestedAtMs} ms` +
              `${sample.requestedWhileDown ? ' (Slack down)' : ''}, request posted ` +
              `${sample.postedAfterBackMs === undefined ? 'never' : `${sample.postedAfterBackMs} ms after Slack was back`}, ` +
              `decision ${decision.counted ? 'counted' : `did not count (${decision.error})`}, ${driven.closed} in ` +
              `${sample.totalMs} ms`,
          );
          return sample;
        }),
      );
      await back;
      return summarise(options, kind, outageMs, samples, slack, Date.now() - began);
    } finally {
      await world.close();
    }
  } finally {
    await slack.close();
  }
}

function summarise(
  options: SlackOutageOptions,
  kind: SlackOutage,
  outageMs: number,
  samples: OutageSample[],
  slack: SlackStandIn,
  durationMs: number,
): ScenarioFigures {
  const failures: string[] = [];
  for (const sample of samples) {
    const where = `run ${sample.run} (started ${sample.startAtMs} ms into the outage)`;
    if (sample.approvalMessages !== 1)
      failures.push(`${where}: ${sample.approvalMessages} approval messages for its gate, not 1`);
    if (sample.postedAfterBackMs !== undefined && sample.postedAfterBackMs < 0)
      failures.push(`${where}: an approval message stored while Slack was down`);
    if (sample.postedTwice.length > 0) failures.push(`${where}: posted twice: ${sample.postedTwice.join(', ')}`);
    if (!sample.decisionCounted) failures.push(`${where}: the decision did not count: ${sample.decisionError ?? '?'}`);
    else if (!sample.approvalShowsDecision) failures.push(`${where}: the approval message does not show the decision`);
    failures.push(...runFailures(where, sample));
  }
  const whileDown = samples.filter((sample) => sample.requestedWhileDown);
  if (whileDown.length === 0) failures.push('no run asked for its approval while Slack was down: nothing was tested');
  const postedOnce = samples.filter((sample) => sample.approvalMessages === 1).length;
  const counted = samples.filter((sample) => sample.decisionCounted).length;
  const completed = samples.filter(succeeded);
  const delays = whileDown.flatMap((sample) =>
    sample.postedAfterBackMs === undefined ? [] : [sample.postedAfterBackMs],
  );
  const refusedCalls = slack.calls.filter((call) => call.status === 503).length;
  return {
    fault: `local Slack down ${outageMs / 1000} s (${kind === 'refused' ? 'connection refused' : '503'}) while approvals are requested`,
    seed: options.random.seed,
    attempts: samples.length,
    outcome:
      `${whileDown.length} asked while Slack was down; ${postedOnce}/${samples.length} requests posted once, ` +
      `median ${(median(delays) / 1000).toFixed(1)} s (max ${(Math.max(0, ...delays) / 1000).toFixed(1)} s) after ` +
      `Slack was back; ${counted} decisions counted; ${completed.length}/${samples.length} completed`,
    violations: samples.reduce((sum, sample) => sum + sample.postedTwice.length + sample.doubled.length, 0),
    mustHold: 'requests posted once Slack is back, once each; decisions accepted; nothing posted twice',
    held: failures.length === 0,
    durationMs,
    failures,
    details: { kind, outageMs, callsAnswered503: refusedCalls, samples },
  };
}
