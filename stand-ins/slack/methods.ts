/**
 * The Web API methods the local Slack serves, with Slack's answers: `{ok: true, …}`, or an error code that the
 * server sends as `{ok: false, error}` with HTTP 200, as Slack does.
 */
import { validateBlocks } from './blocks';
import { BOT, type MessageMetadata, type SlackState, type StoredMessage } from './state';

/** A Slack error code (`channel_not_found`), answered as `{ok: false, error}` with HTTP 200. */
export class SlackMethodError extends Error {
  override readonly name = 'SlackMethodError';
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export type Params = Record<string, unknown>;
export type MethodResult = Record<string, unknown>;
export type Method = (params: Params, state: SlackState) => MethodResult;

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function required(params: Params, name: string, code = 'invalid_arguments'): string {
  const value = text(params, name);
  if (value === undefined) throw new SlackMethodError(code, { detail: `${name} is required` });
  return value;
}

function flag(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Form bodies carry objects as JSON strings; JSON bodies carry them as they are. */
function json(params: Params, name: string, code: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new SlackMethodError(code);
  }
}

function blocksOf(params: Params): unknown[] | undefined {
  const blocks = json(params, 'blocks', 'invalid_blocks_format');
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) throw new SlackMethodError('invalid_blocks_format');
  const errors = validateBlocks(blocks);
  if (errors.length > 0) throw new SlackMethodError('invalid_blocks', { errors });
  return blocks as unknown[];
}

function metadataOf(params: Params): MessageMetadata | undefined {
  const metadata = json(params, 'metadata', 'invalid_metadata_format');
  if (metadata === undefined) return undefined;
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    typeof (metadata as { event_type?: unknown }).event_type !== 'string' ||
    typeof (metadata as { event_payload?: unknown }).event_payload !== 'object'
  ) {
    throw new SlackMethodError('invalid_metadata_format');
  }
  return metadata as MessageMetadata;
}

function messageText(params: Params, blocks: unknown[] | undefined): string {
  const value = text(params, 'text');
  if (value === undefined && !blocks) throw new SlackMethodError('no_text');
  if (value !== undefined && value.length > 40_000) throw new SlackMethodError('msg_too_long');
  return value ?? '';
}

function postableChannel(state: SlackState, reference: string) {
  const channel = state.channel(reference);
  if (!channel) throw new SlackMethodError('channel_not_found');
  if (channel.isArchived) throw new SlackMethodError('is_archived');
  if (!channel.isMember) throw new SlackMethodError('not_in_channel');
  return channel;
}

/** A message as the Web API returns it; metadata only when asked for (as `conversations.history` does). */
export function wireMessage(message: StoredMessage, withMetadata = true): MethodResult {
  return {
    type: 'message',
    user: message.user,
    bot_id: BOT.botId,
    text: message.text,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.edits > 0 ? { edited: { user: message.user, ts: message.ts } } : {}),
    ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
  };
}

function page<T>(items: T[], params: Params): { items: T[]; next: string } {
  const limit = Math.min(Math.max(Number(text(params, 'limit') ?? 100) || 100, 1), 1000);
  const start = Number(text(params, 'cursor') ?? 0) || 0;
  const slice = items.slice(start, start + limit);
  return { items: slice, next: start + limit < items.length ? String(start + limit) : '' };
}

/** One page of `messages` as conversations.history and conversations.replies answer it, with Slack's cursor. */
function messagePage(messages: StoredMessage[], params: Params) {
  const { items, next } = page(messages, params);
  const withMetadata = flag(params, 'include_all_metadata');
  return {
    messages: items.map((message) => wireMessage(message, withMetadata)),
    has_more: next !== '',
    response_metadata: { next_cursor: next },
  };
}

const authTest: Method = () => ({
  url: `https://${BOT.team}.slack.com/`,
  team: BOT.team,
  user: 'cordon',
  team_id: BOT.teamId,
  user_id: BOT.userId,
  bot_id: BOT.botId,
  is_enterprise_install: false,
});

const postMessage: Method = (params, state) => {
  const channel = postableChannel(state, required(params, 'channel', 'channel_not_found'));
  const blocks = blocksOf(params);
  const threadTs = text(params, 'thread_ts');
  if (threadTs && !state.message(channel.id, threadTs)) throw new SlackMethodError('thread_not_found');
  const message: StoredMessage = {
    channel: channel.id,
    ts: state.nextTs(),
    threadTs,
    replyBroadcast: threadTs ? flag(params, 'reply_broadcast') : undefined,
    user: BOT.userId,
    text: messageText(params, blocks),
    blocks,
    metadata: metadataOf(params),
    edits: 0,
  };
  state.messages.push(message);
  return { channel: channel.id, ts: message.ts, message: wireMessage(message) };
};

const update: Method = (params, state) => {
  const channelId = required(params, 'channel', 'channel_not_found');
  if (!state.channels.has(channelId)) throw new SlackMethodError('channel_not_found');
  const ts = required(params, 'ts', 'message_not_found');
  const message = state.message(channelId, ts);
  if (!message) throw new SlackMethodError('message_not_found');
  if (message.user !== BOT.userId) throw new SlackMethodError('cant_update_message');
  const blocks = blocksOf(params);
  const newText = text(params, 'text');
  if (newText === undefined && !blocks) throw new SlackMethodError('no_text');
  if (newText !== undefined) message.text = newText;
  if (blocks) message.blocks = blocks;
  const metadata = metadataOf(params);
  if (metadata) message.metadata = metadata;
  message.edits += 1;
  return { channel: channelId, ts, text: message.text, message: wireMessage(message) };
};

const postEphemeral: Method = (params, state) => {
  const channel = postableChannel(state, required(params, 'channel', 'channel_not_found'));
  const user = required(params, 'user', 'user_not_found');
  if (!state.users.has(user)) throw new SlackMethodError('user_not_found');
  const blocks = blocksOf(params);
  const messageTs = state.nextTs();
  state.ephemerals.push({ channel: channel.id, user, text: messageText(params, blocks), blocks, messageTs });
  return { message_ts: messageTs };
};

const history: Method = (params, state) => {
  const channel = state.channel(required(params, 'channel', 'channel_not_found'));
  if (!channel) throw new SlackMethodError('channel_not_found');
  const oldest = Number(text(params, 'oldest') ?? 0);
  const latest = Number(text(params, 'latest') ?? Infinity);
  const topLevel = state.messages
    .filter((message) => message.channel === channel.id && !message.deleted)
    .filter((message) => !message.threadTs || message.threadTs === message.ts || message.replyBroadcast)
    .filter((message) => Number(message.ts) >= oldest && Number(message.ts) <= latest)
    .reverse();
  return messagePage(topLevel, params);
};

const replies: Method = (params, state) => {
  const channel = state.channel(required(params, 'channel', 'channel_not_found'));
  if (!channel) throw new SlackMethodError('channel_not_found');
  const ts = required(params, 'ts', 'thread_not_found');
  const parent = state.message(channel.id, ts);
  if (!parent) throw new SlackMethodError('thread_not_found');
  const thread = [
    parent,
    ...state.messages.filter(
      (message) => message.channel === channel.id && message.threadTs === ts && !message.deleted,
    ),
  ];
  return messagePage(thread, params);
};

const usergroupsList: Method = (params, state) => {
  const includeUsers = flag(params, 'include_users');
  const includeDisabled = flag(params, 'include_disabled');
  return {
    usergroups: [...state.usergroups.values()]
      .filter((group) => includeDisabled || !group.disabled)
      .map((group) => ({
        id: group.id,
        team_id: BOT.teamId,
        is_usergroup: true,
        name: group.name,
        handle: group.handle,
        description: '',
        date_delete: group.disabled ? 1 : 0,
        user_count: group.users.length,
        ...(includeUsers ? { users: group.users } : {}),
      })),
  };
};

const usergroupUsers: Method = (params, state) => {
  const group = state.usergroups.get(required(params, 'usergroup', 'no_such_subteam'));
  if (!group) throw new SlackMethodError('no_such_subteam');
  return { users: group.users };
};

const usersInfo: Method = (params, state) => {
  const user = state.users.get(required(params, 'user', 'user_not_found'));
  if (!user) throw new SlackMethodError('user_not_found');
  return {
    user: {
      id: user.id,
      team_id: BOT.teamId,
      name: user.name,
      real_name: user.realName ?? user.name,
      deleted: user.deleted ?? false,
      is_bot: user.isBot ?? false,
      profile: { real_name: user.realName ?? user.name, display_name: user.name, email: user.email },
    },
  };
};

const viewsOpen: Method = (params, state) => {
  const triggerId = required(params, 'trigger_id', 'invalid_trigger_id');
  const view = json(params, 'view', 'invalid_arguments');
  if (typeof view !== 'object' || view === null) throw new SlackMethodError('invalid_arguments');
  const record = { id: state.nextId('V'), triggerId, view };
  state.views.push(record);
  return { view: { id: record.id, ...view } };
};

export const METHODS: Record<string, Method> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'conversations.history': history,
  'conversations.replies': replies,
  'usergroups.list': usergroupsList,
  'usergroups.users.list': usergroupUsers,
  'users.info': usersInfo,
  'views.open': viewsOpen,
};
