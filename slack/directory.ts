/**
 * Slack user groups by id (`S0…`): the members' user ids through `usergroups.list` (the group must exist and be
 * enabled) and `usergroups.users.list`. Never by handle: anyone in a workspace can create a group with a handle nobody
 * claimed yet, so a handle names a group only where the configuration pins it to an id (people/approver-groups.ts).
 * Both methods are rate-limited hard (Tier 2), and a campaign may request hundreds of approvals at once, so the list of
 * groups and member lists are cached briefly and concurrent look-ups share one call.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { WebClient } from '@slack/web-api';
import { FAILURE_TYPES } from '../activities/errors';
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
      return { ids: new Set(groups.flatMap((group) => (group.id ? [group.id] : []))) };
    } catch (error) {
      throw slackFailure('usergroups.list', error);
    }
  };

  return {
    membersOf: async (group) => {
      const id = group;
      const { ids } = await index.get('groups', loadIndex);
      if (!ids.has(id)) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.notFound,
          message: `approver group ${id} is not an enabled user group of the Slack workspace (${ids.size} known)`,
          nonRetryable: true,
        });
      }
      return members.get(id, async () => {
        try {
          const result = await web.usergroups.users.list({ usergroup: id });
          return [...(result.users ?? [])].sort();
        } catch (error) {
          throw slackFailure(`usergroups.users.list of ${id}`, error);
        }
      });
    },
  };
}
