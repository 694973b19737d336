/**
 * Approver groups as Slack user groups: a handle (`secops-oncall`, with or without `@`) or a group id (`S0…`) resolves
 * to its members' user ids through `usergroups.list` and `usergroups.users.list`. Both methods are rate-limited hard
 * (Tier 2), and a campaign may request hundreds of approvals at once, so the handle → id map and member lists are
 * cached briefly and concurrent look-ups share one call.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import { ActionError, FAILURE_TYPES } from '../activities/errors';
import type { Directory } from '../activities/run-services';
import { slackFailure } from './errors';

export interface SlackDirectoryOptions {
  /**
   * How long the workspace's list of groups is reused.
   * @default 300000
   */
  groupsTtlMs?: number;
  /**
   * How long a group's members are reused. Membership is frozen into an approval when it is requested, so this only
   * bounds how late a change of on-call is noticed.
   * @default 30000
   */
  membersTtlMs?: number;
  now?: () => number;
}

class TtlCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.ttlMs) return entry.value;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    // A failed look-up is not remembered: the next call tries again.
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

interface GroupIndex {
  byHandle: Map<string, string>;
  ids: Set<string>;
}

export function createSlackDirectory(web: WebClient, options: SlackDirectoryOptions = {}): Directory {
  const now = options.now ?? Date.now;
  const index = new TtlCache<GroupIndex>(options.groupsTtlMs ?? 300_000, now);
  const members = new TtlCache<string[]>(options.membersTtlMs ?? 30_000, now);

  const loadIndex = async (): Promise<GroupIndex> => {
    try {
      const result = await web.usergroups.list({ include_disabled: false });
      const groups = result.usergroups ?? [];
      return {
        byHandle: new Map(
          groups.flatMap((group) => (group.handle && group.id ? [[group.handle, group.id] as const] : [])),
        ),
        ids: new Set(groups.flatMap((group) => (group.id ? [group.id] : []))),
      };
    } catch (error) {
      throw slackFailure('usergroups.list', error);
    }
  };

  return {
    membersOf: async (group) => {
      const handle = group.replace(/^@/, '');
      const { byHandle, ids } = await index.get('groups', loadIndex);
      const id = byHandle.get(handle) ?? (ids.has(handle) ? handle : undefined);
      if (!id) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.notFound,
          message: `approver group "${group}" is not a user group of the Slack workspace (${byHandle.size} known)`,
          nonRetryable: true,
        });
      }
      return members.get(id, async () => {
        try {
          const result = await web.usergroups.users.list({ usergroup: id });
          return [...(result.users ?? [])].sort();
        } catch (error) {
          throw slackFailure(`usergroups.users.list of ${handle}`, error);
        }
      });
    },
  };
}

function isNotFound(error: unknown): boolean {
  if (error instanceof ApplicationFailure) return error.type === FAILURE_TYPES.notFound;
  return error instanceof ActionError && error.type === FAILURE_TYPES.notFound;
}

/**
 * Asks `primary` first and `fallback` only for a group `primary` does not know: Slack user groups, then the groups of
 * `CORDON_GROUPS`. An outage of `primary` is not a reason to fall back (the groups may differ): it fails, and the
 * activity retries.
 */
export function fallbackDirectory(primary: Directory, fallback: Directory): Directory {
  return {
    membersOf: async (group) => {
      try {
        return await primary.membersOf(group);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        try {
          return await fallback.membersOf(group);
        } catch (second) {
          if (!isNotFound(second)) throw second;
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.notFound,
            message: `${(error as Error).message}; nor is it in CORDON_GROUPS`,
            nonRetryable: true,
          });
        }
      }
    },
  };
}
