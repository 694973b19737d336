import { ApplicationFailure } from '@temporalio/common';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationRefs, RunEvent } from '../../activities/run-services';
import { loadConfig } from '../../config/config';
import { slackConfigSchema } from '../../config/slack';
import { buildServices } from '../../worker';
import { createSlackDirectory } from '../../slack/directory';
import { createApproverGroups } from '../../people/approver-groups';
import { createSlackNotifier, SLACK_REFS } from '../../slack/notifier';
import { slackClientOptions } from '../../slack/client';
import { startSlackStandIn, type SlackStandIn } from '../../stand-ins/slack';
import type { ApprovalState, RunState } from '../../workflows/run-state';

let slack: SlackStandIn;
let web: WebClient;
beforeAll(async () => {
  slack = await startSlackStandIn({
    channels: [
      { id: 'C0RUNS', name: 'sec-runs' },
      { id: 'C0NOBOT', name: 'no-bot', isMember: false },
    ],
    usergroups: [{ id: 'S0ONCALL', handle: 'secops-oncall', users: ['U0BOB', 'U0CAROL'] }],
  });
  const config = slackConfigSchema.parse({ botToken: slack.token, signingSecret: 'unused', apiUrl: slack.apiUrl });
  web = new WebClient(
    config.botToken,
    slackClientOptions(config, { retries: 0, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR }),
  );
});
afterAll(async () => slack?.close());

let runs = 0;
function runState(overrides: Partial<RunState> = {}): RunState {
  runs += 1;
  return {
    workflowId: `cordon/notifier-test/${runs}`,
    playbook: { id: 'notifier-test', version: '1', title: 'Notifier test', sha256: 'a'.repeat(64) },
    requester: 'U0REQ',
    trigger: { kind: 'slack', channel: 'C0RUNS' },
    inputs: { target: 'x' },
    status: 'running',
    startedAt: new Date().toISOString(),
    steps: [{ id: 'one', action: 'test.mark', impact: 'reversible', status: 'running' }],
    approvals: [],
    alerts: [],
    ...overrides,
  };
}

const approval: ApprovalState = {
  stepId: 'one',
  action: 'test.destroy',
  impact: 'destructive',
  input: { target: '<!channel> x' },
  inputsHash: 'b'.repeat(64),
  shown: {},
  approvers: ['U0BOB'],
  required: 1,
  requestedAt: new Date().toISOString(),
  deadline: new Date(Date.now() + 60_000).toISOString(),
  escalated: false,
  decisions: [],
  status: 'pending',
};

describe('the Slack notifier', () => {
  it('posts one progress message per run and updates it in place; the same snapshot twice makes no second call', async () => {
    const notifier = createSlackNotifier(web, { isRetry: () => false });
    const state = runState();
    const refs = await notifier.notify({ kind: 'progress', state }, {});
    expect(refs[SLACK_REFS.channel]).toBe('C0RUNS');
    const ts = refs[SLACK_REFS.progress];
    expect(ts).toBeDefined();

    const updatesBefore = slack.callsOf('chat.update').length;
    const again = await notifier.notify({ kind: 'progress', state }, refs);
    expect(slack.callsOf('chat.update').length).toBe(updatesBefore);
    expect(again).toEqual(refs);

    const finished: RunState = {
      ...state,
      status: 'succeeded',
      endedAt: new Date().toISOString(),
      steps: [{ ...state.steps[0]!, status: 'succeeded' }],
    };
    const last = await notifier.notify({ kind: 'run_finished', state: finished }, again);
    expect(last[SLACK_REFS.progress]).toBe(ts);
    expect(slack.callsOf('chat.update').filter((call) => call.params.ts === ts)).toHaveLength(1);
    expect(slack.messagesIn('C0RUNS').filter((message) => message.threadTs === ts)).toHaveLength(1);
  });

  it('finds a message it already posted when a retried call repeats the post', async () => {
    const state = runState();
    await createSlackNotifier(web, { isRetry: () => false }).notify({ kind: 'progress', state }, {});
    // The refs of that call were lost (the activity failed after posting); the retry must not post again.
    const retried = await createSlackNotifier(web, { isRetry: () => true }).notify({ kind: 'progress', state }, {});
    const mine = slack
      .messagesIn('C0RUNS')
      .filter((message) => message.metadata?.event_payload.workflow_id === state.workflowId);
    expect(mine).toHaveLength(1);
    expect(retried[SLACK_REFS.progress]).toBe(mine[0]?.ts);
  });

  it('posts to the default channel when the bot cannot post in the run’s channel', async () => {
    const warnings: string[] = [];
    const notifier = createSlackNotifier(web, {
      defaultChannel: 'C0RUNS',
      isRetry: () => false,
      warn: (line) => warnings.push(line),
    });
    const state = runState({ trigger: { kind: 'slack', channel: 'C0NOBOT' } });
    const refs = await notifier.notify({ kind: 'approval_requested', state, approval }, {});
    expect(refs[SLACK_REFS.channel]).toBe('C0RUNS');
    expect(refs[SLACK_REFS.approval('one')]).toBeDefined();
    expect(warnings.join('\n')).toMatch(/not_in_channel/);
  });

  it('says nothing for a run with no channel when no default channel is set', async () => {
    const before = slack.calls.length;
    const refs: NotificationRefs = await createSlackNotifier(web).notify(
      { kind: 'progress', state: runState({ trigger: { kind: 'cli' } }) },
      {},
    );
    expect(refs).toEqual({});
    expect(slack.calls.length).toBe(before);
  });

  it('escapes what came from outside, so an input cannot ping the channel', async () => {
    const state = runState();
    const refs = await createSlackNotifier(web, { isRetry: () => false }).notify(
      { kind: 'approval_requested', state, approval },
      {},
    );
    const message = slack.state.message('C0RUNS', refs[SLACK_REFS.approval('one')] ?? '');
    expect(JSON.stringify(message?.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(message?.blocks)).toContain('&lt;!channel&gt;');
  });

  it('fails retryably through an outage or a rate limit (with Slack’s Retry-After), and for good on a refused token', async () => {
    const notifier = createSlackNotifier(web, { isRetry: () => false });
    const event: RunEvent = { kind: 'progress', state: runState() };

    slack.failNext('chat.postMessage', { kind: 'status', status: 503 });
    const outage = await notifier.notify(event, {}).catch((error: unknown) => error);
    expect(outage).toBeInstanceOf(ApplicationFailure);
    expect(outage).toMatchObject({ type: 'Unavailable', nonRetryable: false });

    slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 7 });
    const limited = await notifier.notify(event, {}).catch((error: unknown) => error);
    expect(limited).toMatchObject({ type: 'RateLimited', nonRetryable: false, nextRetryDelay: 7000 });

    slack.failNext('chat.postMessage', { kind: 'error', error: 'invalid_auth' });
    const refused = await notifier.notify(event, {}).catch((error: unknown) => error);
    expect(refused).toMatchObject({ type: 'Forbidden', nonRetryable: true });
    expect(String((refused as Error).message)).not.toContain(slack.token);
  });
});

describe('Slack user groups as approver groups', () => {
  it('resolve by id or by a name the configuration pins, never by a Slack handle alone', async () => {
    const directory = createApproverGroups({
      configured: { oncall: { slackGroup: 'S0ONCALL' }, legal: { members: ['U0LEGAL'] } },
      slack: createSlackDirectory(web),
    });
    expect(await directory.membersOf('oncall')).toEqual(['U0BOB', 'U0CAROL']);
    expect(await directory.membersOf('S0ONCALL')).toEqual(['U0BOB', 'U0CAROL']);
    expect(await directory.membersOf('legal')).toEqual(['U0LEGAL']);
    // secops-oncall is the handle of S0ONCALL in the workspace, but nothing pins it: a handle anyone could have taken.
    await expect(directory.membersOf('secops-oncall')).rejects.toMatchObject({
      type: 'NotFound',
      nonRetryable: true,
      message: expect.stringMatching(/not configured .*a Slack handle alone names no approvers/),
    });
    await expect(directory.membersOf('S0NOPE')).rejects.toMatchObject({ type: 'NotFound', nonRetryable: true });
  });

  it('fail while Slack is down, to be retried', async () => {
    const directory = createApproverGroups({
      configured: { oncall: { slackGroup: 'S0ONCALL' } },
      slack: createSlackDirectory(web),
    });
    slack.failNext('usergroups.list', { kind: 'status', status: 500 });
    await expect(directory.membersOf('oncall')).rejects.toMatchObject({
      type: 'Unavailable',
      nonRetryable: false,
    });
    expect(await directory.membersOf('oncall')).toEqual(['U0BOB', 'U0CAROL']);
  });
});

describe('the worker with Slack configured', () => {
  it('logs and posts every event, and resolves approver groups from the configuration, not by Slack handle', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: 'unused',
      SLACK_API_URL: slack.apiUrl,
      SLACK_DEFAULT_CHANNEL: 'C0RUNS',
      CORDON_GROUPS: '{"legal": ["U0LEGAL"], "secops-oncall": ["U0STALE"]}',
    });
    const lines: string[] = [];
    const services = buildServices(config, (line) => lines.push(line));
    const state = runState({ trigger: { kind: 'detection', source: 'okta' } });
    const refs = await services.notifier.notify({ kind: 'progress', state }, {});
    expect(lines).toEqual([expect.stringContaining(state.workflowId)]);
    expect(refs[SLACK_REFS.channel]).toBe('C0RUNS');
    // CORDON_GROUPS names its own members; the Slack group with that handle is not consulted.
    expect(await services.directory.membersOf('secops-oncall')).toEqual(['U0STALE']);
    expect(await services.directory.membersOf('legal')).toEqual(['U0LEGAL']);
    expect(await services.directory.membersOf('S0ONCALL')).toEqual(['U0BOB', 'U0CAROL']);
  });
});
