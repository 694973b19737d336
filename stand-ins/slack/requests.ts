/**
 * Requests from Slack to an app, exactly as Slack sends them: slash commands as form fields, interactions as a
 * form-encoded `payload=` JSON, both signed with the app's signing secret (`X-Slack-Signature: v0=HMAC-SHA256(secret,
 * "v0:" + timestamp + ":" + body)` and `X-Slack-Request-Timestamp`).
 */
import { createHmac } from 'node:crypto';
import { BOT } from './state';

export interface SignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's v0 signature of a raw body. */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): SignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SendOptions {
  signingSecret: string;
  /** Seconds since the epoch; an old one makes a stale request. */
  timestamp?: number;
  /** `false` sends no signature headers; a string replaces the signature. */
  signature?: false | string;
}

export interface AppResponse {
  status: number;
  text: string;
}

/** POSTs a form body to the app, signed unless told otherwise. */
export async function sendSigned(url: string, body: string, options: SendOptions): Promise<AppResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.signature !== false) {
    const signed = signSlackRequest(options.signingSecret, body, options.timestamp);
    Object.assign(headers, signed);
    if (typeof options.signature === 'string') headers['x-slack-signature'] = options.signature;
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  responseUrl: string;
  triggerId?: string;
}

/** The form body of a slash command invocation. */
export function slashCommandBody(command: SlashCommand): string {
  return new URLSearchParams({
    token: 'verification-token-unused',
    team_id: BOT.teamId,
    team_domain: BOT.team,
    channel_id: command.channelId,
    channel_name: command.channelName ?? 'unknown',
    user_id: command.userId,
    user_name: command.userName ?? command.userId.toLowerCase(),
    command: command.command,
    text: command.text,
    api_app_id: 'A0CORDON',
    is_enterprise_install: 'false',
    response_url: command.responseUrl,
    trigger_id: command.triggerId ?? `${Date.now()}.1234.abcdef`,
  }).toString();
}

/** A slash command as Slack signs it, in the form a run started from Slack carries to the worker (which verifies it). */
export function signedSlashCommand(
  signingSecret: string,
  command: SlashCommand,
): { body: string; timestamp: string; signature: string } {
  const body = slashCommandBody(command);
  const headers = signSlackRequest(signingSecret, body);
  return { body, timestamp: headers['x-slack-request-timestamp'], signature: headers['x-slack-signature'] };
}

interface WireBlock {
  type: string;
  block_id?: string;
  elements?: Array<Record<string, unknown>>;
  element?: Record<string, unknown>;
}

export interface BlockActionOptions {
  /** The message clicked, as the Web API returns it (with `ts` and `blocks`). */
  message: { ts: string; blocks?: unknown[]; text?: string } & Record<string, unknown>;
  channelId: string;
  userId: string;
  userName?: string;
  /** The `action_id` of the button clicked. */
  actionId: string;
  responseUrl: string;
  /** Typed text of the message's input elements, by `action_id`. */
  inputs?: Record<string, string>;
}

/** The `block_actions` payload Slack sends when a button of a message is clicked. */
export function blockActionsPayload(options: BlockActionOptions): Record<string, unknown> {
  const blocks = (options.message.blocks ?? []) as WireBlock[];
  let clicked: { block: WireBlock; element: Record<string, unknown> } | undefined;
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    for (const element of block.elements ?? []) {
      if (element.action_id === options.actionId) clicked = { block, element };
    }
    if (block.type === 'input' && block.block_id && block.element && typeof block.element.action_id === 'string') {
      const typed = options.inputs?.[block.element.action_id];
      values[block.block_id] = {
        [block.element.action_id]: {
          type: block.element.type,
          value: typed === undefined || typed === '' ? null : typed,
        },
      };
    }
  }
  if (!clicked) throw new Error(`the message has no element with action_id ${options.actionId}`);
  const team = { id: BOT.teamId, domain: BOT.team };
  return {
    type: 'block_actions',
    user: {
      id: options.userId,
      username: options.userName ?? options.userId.toLowerCase(),
      name: options.userName ?? options.userId.toLowerCase(),
      team_id: BOT.teamId,
    },
    api_app_id: 'A0CORDON',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: options.message.ts, channel_id: options.channelId, is_ephemeral: false },
    trigger_id: `${Date.now()}.1234.abcdef`,
    team,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channelId, name: 'unknown' },
    message: options.message,
    state: { values },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: clicked.block.block_id,
        text: clicked.element.text,
        value: clicked.element.value,
        style: clicked.element.style,
        type: clicked.element.type,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The form body of an interaction: `payload=` and the JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
