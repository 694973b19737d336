/**
 * The Slack side of an integration test: the local Slack, a worker (the harness) whose notifier and directory talk to
 * it, and the real Bolt app behind `cordon serve`'s HTTP server, with helpers that sign and send what Slack would send
 * (slash commands, button clicks) and find what the app posted.
 */
import { LogLevel, WebClient } from '@slack/web-api';
import type { Notifier, RunEvent } from '../../activities/run-services';
import { slackConfigSchema, type RunPermissions, type SlackConfig } from '../../config/slack';
import type { Plan } from '../../dsl/plan';
import { createSlackApp, SLACK_EVENTS_PATH, type SlackApp } from '../../slack/app';
import { slackClientOptions } from '../../slack/client';
import { combineNotifiers } from '../../activities/notify/combine';
import { createSlackDirectory } from '../../slack/directory';
import { createApproverGroups } from '../../people/approver-groups';
import type { ConfiguredGroup } from '../../people/directory';
import { createSlackNotifier, MESSAGE_EVENT_TYPE } from '../../slack/notifier';
import { slackEmailLookup } from '../../slack/worker-services';
import type { PlanSource } from '../../slack/plans';
import { startCordonServer, type CordonServer } from '../../slack/server';
import {
  blockActionsPayload,
  interactionBody,
  sendSigned,
  signSlackRequest,
  slashCommandBody,
  startSlackStandIn,
  type AppResponse,
  type ResponseRecord,
  type SendOptions,
  type SlackStandIn,
  type StoredMessage,
} from '../../stand-ins/slack';
import type { IntakeLimits } from '../../slack/unverified-intake';
import { startHarness, type Harness } from './harness';
import type { GovernorConfig } from '../../config/governor';

/** The app's playbooks, compiled once by the test. */
function staticPlans(plans: readonly Plan[]): PlanSource {
  return {
    list: async () => [...plans],
    get: async (id) => plans.find((plan) => plan.id === id),
  };
}

/** The workspace every Slack test gets. */
export const PEOPLE = {
  requester: 'U0REQ',
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  dana: 'U0DANA',
  mallory: 'U0MALLORY',
} as const;
/** A Slack user whom the people directory lists by e-mail only (person `erin`). */
export const ERIN = 'U0ERIN';
export const RUNS_CHANNEL = 'C0RUNS';
export const LEADS_CHANNEL = 'C0LEADS';

/** The signing secret the app, the worker and the test's signed requests share. */
export const SIGNING_SECRET = 'local-signing-secret-for-tests';

export interface SlackTestbedOptions {
  /** Playbooks as YAML, compiled with the harness's registry. */
  playbooks: string[];
  permissions?: RunPermissions;
  defaultChannel?: string;
  /** Approver groups of the configuration, besides `secops-oncall` and `leads` (pinned to S0ONCALL and S0LEADS). */
  groups?: Record<string, ConfiguredGroup>;
  /** More Slack user groups in the workspace. */
  usergroups?: Array<{ id: string; handle: string; users: string[] }>;
  /**
   * Whether `cordon serve` holds the signing secret (and verifies requests itself); without it, it forwards them for
   * the worker, which always holds it, to verify.
   * @default true
   */
  serveHoldsSecret?: boolean;
  /** Limits on unverified requests, for a serve without the secret. */
  intake?: IntakeLimits;
  /** The governor's limits; by default none. */
  governor?: GovernorConfig;
}

export interface SentCommand {
  response: AppResponse;
  responseUrl: string;
  /** The first answer posted to the command's response_url. */
  reply(): Promise<ResponseRecord>;
}

export interface SlackTestbed {
  slack: SlackStandIn;
  harness: Harness;
  app: SlackApp;
  server: CordonServer;
  config: SlackConfig;
  plans: Plan[];
  /** Every event the worker's notifier saw, in order. */
  events: RunEvent[];
  /** Warnings of the app and the notifier. */
  warnings: string[];
  eventsUrl: string;
  command(text: string, user: string, options?: Partial<SendOptions> & { channel?: string }): Promise<SentCommand>;
  /** Clicks a button of a posted message; returns the HTTP answer and the click's response_url. */
  click(
    message: StoredMessage,
    actionId: string,
    user: string,
    options?: {
      reason?: string;
      edit?: (wire: Record<string, unknown> & { ts: string }) => void;
      /** Signs with another secret (a forgery). */
      signingSecret?: string;
    },
  ): Promise<{ response: AppResponse; responseUrl: string }>;
  /** The first answer posted to a response_url. */
  answer(responseUrl: string): Promise<ResponseRecord>;
  /**
   * Starts a run straight through Temporal as `cordon serve` does for `/cordon run …` typed by `requester` in
   * #sec-runs, with the slash command Slack would have signed.
   */
  startFromSlack(plan: Plan, inputs: Record<string, string>, requester?: string): ReturnType<Harness['start']>;
  /** The message the notifier posted for a run under `key` (`progress`, `approval:STEP`, …), once it is there. */
  posted(workflowId: string, key: string, channel?: string): Promise<StoredMessage>;
  /** All messages posted for a run under `key` (more than one would be a duplicate). */
  allPosted(workflowId: string, key: string): StoredMessage[];
  close(): Promise<void>;
}

function isCordonMessage(message: StoredMessage, workflowId: string, key: string): boolean {
  return (
    message.metadata?.event_type === MESSAGE_EVENT_TYPE &&
    message.metadata.event_payload.workflow_id === workflowId &&
    message.metadata.event_payload.key === key
  );
}

export async function startSlackTestbed(options: SlackTestbedOptions): Promise<SlackTestbed> {
  const slack = await startSlackStandIn({
    channels: [
      { id: RUNS_CHANNEL, name: 'sec-runs' },
      { id: LEADS_CHANNEL, name: 'sec-leads' },
      { id: 'C0NOBOT', name: 'no-bot', isMember: false },
    ],
    users: [
      ...Object.entries(PEOPLE).map(([name, id]) => ({ id, name })),
      // Listed in the people directory without a Slack id: her Slack profile's e-mail says who she is.
      { id: ERIN, name: 'erin', email: 'erin@example.com' },
    ],
    usergroups: [
      { id: 'S0ONCALL', handle: 'secops-oncall', users: [PEOPLE.bob, PEOPLE.carol] },
      { id: 'S0LEADS', handle: 'leads', users: [PEOPLE.dana] },
      ...(options.usergroups ?? []),
    ],
  });
  const config = slackConfigSchema.parse({
    botToken: slack.token,
    signingSecret: SIGNING_SECRET,
    apiUrl: slack.apiUrl,
    defaultChannel: options.defaultChannel,
    runPermissions: options.permissions,
  });
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  // The worker's client: no retries of its own and rate limits rejected at once, so the activity retries.
  const web = new WebClient(
    config.botToken,
    slackClientOptions(config, { retries: 0, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR, timeoutMs: 5000 }),
  );
  const groups: Record<string, ConfiguredGroup> = {
    'secops-oncall': { slackGroup: 'S0ONCALL' },
    leads: { slackGroup: 'S0LEADS' },
    ...options.groups,
  };
  const events: RunEvent[] = [];
  const recorder: Notifier = {
    notify: async (event, refs) => {
      events.push(event);
      return refs;
    },
  };
  const harness = await startHarness({
    notifier: combineNotifiers(recorder, createSlackNotifier(web, { defaultChannel: config.defaultChannel, warn })),
    directory: createApproverGroups({ configured: groups, slack: createSlackDirectory(web) }),
    slackSigningSecret: SIGNING_SECRET,
    slackEmailOf: slackEmailLookup(web),
    governor: options.governor,
  });
  const plans = options.playbooks.map((yaml, index) => harness.plan(yaml, `slack-${index}.yaml`));
  const app = await createSlackApp({
    config: options.serveHoldsSecret === false ? { ...config, signingSecret: undefined } : config,
    intake: options.intake,
    temporal: harness.client,
    taskQueue: harness.taskQueue,
    plans: staticPlans(plans),
    directory: createApproverGroups({
      configured: groups,
      slack: createSlackDirectory(new WebClient(config.botToken, slackClientOptions(config, { retries: 0 }))),
    }),
    client: { retries: 0, logLevel: LogLevel.ERROR },
    logLevel: LogLevel.ERROR,
    warn,
  });
  const server = await startCordonServer({ port: 0, host: '127.0.0.1', slack: app, warn });
  const eventsUrl = `${server.url}${SLACK_EVENTS_PATH}`;

  const posted = (workflowId: string, key: string, channel?: string) =>
    slack.waitFor(
      () =>
        slack.state.messages.find(
          (message) => isCordonMessage(message, workflowId, key) && (!channel || message.channel === channel),
        ),
      30_000,
      `the "${key}" message of ${workflowId}`,
    );

  return {
    slack,
    harness,
    app,
    server,
    config,
    plans,
    events,
    warnings,
    eventsUrl,
    command: async (text, user, sendOptions = {}) => {
      const channel = sendOptions.channel ?? RUNS_CHANNEL;
      const responseUrl = slack.responseUrl({ channel });
      const body = slashCommandBody({
        command: config.command,
        text,
        userId: user,
        channelId: channel,
        responseUrl,
        channelName: 'sec-runs',
      });
      const response = await sendSigned(eventsUrl, body, { signingSecret: SIGNING_SECRET, ...sendOptions });
      return {
        response,
        responseUrl,
        reply: () => slack.waitFor(() => slack.responsesTo(responseUrl)[0], 20_000, `an answer to "${text}"`),
      };
    },
    click: async (message, actionId, user, clickOptions = {}) => {
      const wire = slack.wireMessage(message.channel, message.ts);
      clickOptions.edit?.(wire);
      const responseUrl = slack.responseUrl({ channel: message.channel, messageTs: message.ts });
      const payload = blockActionsPayload({
        message: wire,
        channelId: message.channel,
        userId: user,
        actionId,
        responseUrl,
        inputs: clickOptions.reason === undefined ? {} : { reason: clickOptions.reason },
      });
      const response = await sendSigned(eventsUrl, interactionBody(payload), {
        signingSecret: clickOptions.signingSecret ?? SIGNING_SECRET,
      });
      return { response, responseUrl };
    },
    startFromSlack: (plan, inputs, requester = PEOPLE.requester) => {
      const text = ['run', plan.id, ...Object.entries(inputs).map(([name, value]) => `${name}="${value}"`)].join(' ');
      const body = slashCommandBody({
        command: config.command,
        text,
        userId: requester,
        channelId: RUNS_CHANNEL,
        responseUrl: slack.responseUrl({ channel: RUNS_CHANNEL }),
      });
      const headers = signSlackRequest(SIGNING_SECRET, body);
      return harness.start(plan, inputs, {
        requester,
        trigger: { kind: 'slack', channel: RUNS_CHANNEL },
        slackRequest: {
          body,
          timestamp: headers['x-slack-request-timestamp'],
          signature: headers['x-slack-signature'],
        },
      });
    },
    answer: (responseUrl) =>
      slack.waitFor(() => slack.responsesTo(responseUrl)[0], 20_000, 'an answer on the response_url'),
    posted,
    allPosted: (workflowId, key) => slack.state.messages.filter((message) => isCordonMessage(message, workflowId, key)),
    close: async () => {
      await server.close();
      await harness.shutdown();
      await slack.close();
    },
  };
}

/** The text of every block of a message, joined, for assertions. */
export function textOf(message: Pick<StoredMessage, 'text' | 'blocks'>): string {
  return JSON.stringify(message.blocks ?? []) + message.text;
}

/** Whether a message still offers its Approve and Reject buttons. */
export function hasButtons(message: Pick<StoredMessage, 'blocks'>): boolean {
  return (message.blocks ?? []).some((block) => (block as { type?: string }).type === 'actions');
}
