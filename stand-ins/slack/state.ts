/**
 * The local Slack's workspace: channels, users, user groups, and every message the bot posted, by channel and ts, so
 * `chat.update` of a message that does not exist fails as Slack's does.
 */

export interface ChannelRecord {
  id: string;
  name: string;
  /** Whether the bot is in the channel; posting to one it is not in fails with `not_in_channel`. */
  isMember: boolean;
  isArchived: boolean;
}

export interface UserRecord {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export interface UsergroupRecord {
  id: string;
  handle: string;
  name: string;
  users: string[];
  disabled?: boolean;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  replyBroadcast?: boolean;
  user: string;
  text: string;
  blocks?: unknown[];
  metadata?: MessageMetadata;
  /** How often the message was changed (chat.update, or a response_url with replace_original). */
  edits: number;
  deleted?: boolean;
}

export interface EphemeralRecord {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  messageTs: string;
}

export interface ViewRecord {
  id: string;
  triggerId: string;
  view: unknown;
}

export const BOT = { userId: 'U0CORDONBOT', botId: 'B0CORDON', teamId: 'T0CORDON', team: 'cordon-local' } as const;

export class SlackState {
  readonly channels = new Map<string, ChannelRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly usergroups = new Map<string, UsergroupRecord>();
  /** Every message posted, in order; `chat.update` changes them in place. */
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: EphemeralRecord[] = [];
  readonly views: ViewRecord[] = [];
  private lastTs = 0;
  private ids = 0;

  /** A message ts: `seconds.micros`, strictly increasing, as Slack's are within a channel. */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    this.ids += 1;
    return `${prefix}0${String(this.ids).padStart(8, '0')}`;
  }

  addChannel(channel: Partial<ChannelRecord> & { name: string }): ChannelRecord {
    const record: ChannelRecord = {
      id: channel.id ?? this.nextId('C'),
      name: channel.name.replace(/^#/, ''),
      isMember: channel.isMember ?? true,
      isArchived: channel.isArchived ?? false,
    };
    this.channels.set(record.id, record);
    return record;
  }

  addUser(user: Partial<UserRecord> & { name: string }): UserRecord {
    const record: UserRecord = { ...user, id: user.id ?? this.nextId('U') };
    this.users.set(record.id, record);
    return record;
  }

  addUsergroup(group: Partial<UsergroupRecord> & { handle: string }): UsergroupRecord {
    const record: UsergroupRecord = {
      id: group.id ?? this.nextId('S'),
      handle: group.handle,
      name: group.name ?? group.handle,
      users: group.users ?? [],
      disabled: group.disabled,
    };
    this.usergroups.set(record.id, record);
    return record;
  }

  /** A channel by id, or by name with or without `#` (as `chat.postMessage` accepts). */
  channel(reference: string): ChannelRecord | undefined {
    const byId = this.channels.get(reference);
    if (byId) return byId;
    const name = reference.replace(/^#/, '');
    return [...this.channels.values()].find((channel) => channel.name === name);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((message) => message.channel === channel && message.ts === ts && !message.deleted);
  }
}
