/**
 * The local Slack's public entry point: a stateful stand-in of the Web API on 127.0.0.1, and signed requests to an app
 * as Slack sends them.
 *
 * ```ts
 * const slack = await startSlackStandIn({ channels: [{ id: 'C0RUNS', name: 'sec-runs' }] });
 * const web = new WebClient(slack.token, { slackApiUrl: slack.apiUrl });
 * slack.failNext('chat.postMessage', { kind: 'status', status: 503 }, 2);
 * await slack.goDown('refused'); … await slack.comeBack();
 * … slack.callsOf('chat.update') … slack.messagesIn('C0RUNS') …
 * await slack.close();
 * ```
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { closeNow } from '../../http/close-now';
import {
  listen,
  SlackServer,
  type CallRecord,
  type ResponseContext,
  type ResponseRecord,
  type SlackFault,
} from './server';
import {
  SlackState,
  type ChannelRecord,
  type EphemeralRecord,
  type StoredMessage,
  type UsergroupRecord,
  type UserRecord,
} from './state';

export { BOT } from './state';
export type { ChannelRecord, EphemeralRecord, StoredMessage, UsergroupRecord, UserRecord };
export type { CallRecord, ResponseContext, ResponseRecord, SlackFault };
export {
  blockActionsPayload,
  interactionBody,
  sendSigned,
  signedSlashCommand,
  signSlackRequest,
  slashCommandBody,
  type AppResponse,
  type BlockActionOptions,
  type SendOptions,
  type SlashCommand,
} from './requests';
export { wireMessage } from './methods';

/** How the local Slack is down: connections refused, or a 503 for every call. */
export type SlackOutage = 'refused' | 'unavailable';

export interface SlackStandInOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** The bot token the API accepts. @default xoxb-local-cordon */
  token?: string;
  channels?: Array<Partial<ChannelRecord> & { name: string }>;
  users?: Array<Partial<UserRecord> & { name: string }>;
  usergroups?: Array<Partial<UsergroupRecord> & { handle: string }>;
}

export interface SlackStandIn {
  /** Base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** The Web API base (the WebClient's `slackApiUrl`): `${url}/api/`. */
  apiUrl: string;
  token: string;
  state: SlackState;
  /** Every Web API call, in order. */
  calls: CallRecord[];
  /** Every POST to a response_url, in order. */
  responses: ResponseRecord[];
  ephemerals: EphemeralRecord[];
  callsOf(method: string): CallRecord[];
  /** Live messages of a channel (id or name), oldest first. */
  messagesIn(channel: string): StoredMessage[];
  /** A message as the Web API returns it (for building a click on it). */
  wireMessage(channel: string, ts: string): Record<string, unknown> & { ts: string };
  addChannel(channel: Partial<ChannelRecord> & { name: string }): ChannelRecord;
  addUser(user: Partial<UserRecord> & { name: string }): UserRecord;
  addUsergroup(group: Partial<UsergroupRecord> & { handle: string }): UsergroupRecord;
  /** The next `count` calls of `method` get `fault` instead of an answer. */
  failNext(method: string, fault: SlackFault, count?: number): void;
  clearFaults(): void;
  /**
   * An outage until `comeBack()`: `refused` stops listening (connections are refused, open ones dropped), `unavailable`
   * answers every Web API call 503. Nothing is posted or changed meanwhile; the state survives.
   */
  goDown(kind: SlackOutage): Promise<void>;
  /** Ends the outage: listens again on the same port, or answers again. */
  comeBack(): Promise<void>;
  /** A fresh response_url that records what is posted to it (and applies replace_original to `messageTs`). */
  responseUrl(context?: ResponseContext): string;
  responsesTo(url: string): ResponseRecord[];
  /** Polls until `probe` returns something truthy, failing after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs?: number, what?: string): Promise<T>;
  close(): Promise<void>;
}

export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<SlackStandIn> {
  const state = new SlackState();
  for (const channel of options.channels ?? []) state.addChannel(channel);
  for (const user of options.users ?? []) state.addUser(user);
  for (const group of options.usergroups ?? []) state.addUsergroup(group);
  const token = options.token ?? 'xoxb-local-cordon';
  const parts = new SlackServer(state, token);
  const host = options.host ?? '127.0.0.1';
  const url = await listen(parts, options.port ?? 0, host);
  const port = Number(new URL(url).port);
  // The server listening now: listen() set it, and comeBack() sets a new one.
  const closeServer = () => (parts.server ? closeNow(parts.server) : Promise.resolve());
  let outage: SlackOutage | undefined;

  return {
    url,
    apiUrl: `${url}/api/`,
    token,
    state,
    calls: parts.calls,
    responses: parts.responses,
    ephemerals: state.ephemerals,
    callsOf: (method) => parts.calls.filter((call) => call.method === method),
    messagesIn: (channel) => {
      const id = state.channel(channel)?.id ?? channel;
      return state.messages.filter((message) => message.channel === id && !message.deleted);
    },
    wireMessage: (channel, ts) => {
      const message = parts.wire(state.channel(channel)?.id ?? channel, ts);
      if (!message) throw new Error(`no message ${ts} in ${channel}`);
      return message as Record<string, unknown> & { ts: string };
    },
    addChannel: (channel) => state.addChannel(channel),
    addUser: (user) => state.addUser(user),
    addUsergroup: (group) => state.addUsergroup(group),
    failNext: (method, fault, count) => parts.failNext(method, fault, count),
    clearFaults: () => parts.clearFaults(),
    goDown: async (kind) => {
      if (outage) throw new Error(`the local Slack is already down (${outage})`);
      outage = kind;
      if (kind === 'refused') await closeServer();
      else parts.unavailable = true;
    },
    comeBack: async () => {
      if (outage === 'refused') await listen(parts, port, host);
      parts.unavailable = false;
      outage = undefined;
    },
    responseUrl: (context = {}) => parts.newResponseUrl(url, context),
    responsesTo: (responseUrl) => {
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      return parts.responses.filter((response) => response.id === id);
    },
    waitFor: async (probe, timeoutMs = 20_000, what = 'the local Slack to see it') => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(50);
      }
    },
    close: () => (outage === 'refused' ? Promise.resolve() : closeServer()),
  };
}
