/**
 * What Slack adds to a worker: the Slack notifier after the given one (the log), Slack user groups (by id) for
 * approver groups pinned to them, and Slack profiles for recognising a person listed without a Slack id. Without a
 * Slack configuration: the given notifier, and the configured groups alone.
 */
import type { Directory, Notifier } from '../activities/run-services';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config/slack';
import { createApproverGroups } from '../people/approver-groups';
import type { ConfiguredGroup } from '../people/directory';
import { createSlackWebClient } from './client';
import { combineNotifiers } from '../activities/notify/combine';
import { createSlackDirectory } from './directory';
import { createSlackNotifier } from './notifier';
import { slackFailure } from './errors';

export interface NotifyServices {
  directory: Directory;
  notifier: Notifier;
  /** A Slack user's profile e-mail; undefined without Slack. */
  slackEmailOf?: (userId: string) => Promise<string | undefined>;
}

export interface NotifyBase {
  /** Approver groups of the configuration (people directory, CORDON_GROUPS). */
  groups: Readonly<Record<string, ConfiguredGroup>>;
  notifier: Notifier;
}

export function withSlack(
  slack: SlackConfig | undefined,
  base: NotifyBase,
  warn: (message: string) => void = (message) => console.warn(message),
): NotifyServices {
  if (!slack) return { directory: createApproverGroups({ configured: base.groups }), notifier: base.notifier };
  // Rate limits fail the call at once: the notify activity's retry waits out Retry-After without holding a slot.
  // One client retry and a short timeout keep a notification within the activity's 30 s even when Slack hangs.
  const web = createSlackWebClient(slack, { rejectRateLimitedCalls: true, retries: 1, timeoutMs: 8000 });
  return {
    directory: createApproverGroups({ configured: base.groups, slack: createSlackDirectory(web) }),
    notifier: combineNotifiers(base.notifier, createSlackNotifier(web, { defaultChannel: slack.defaultChannel, warn })),
    slackEmailOf: slackEmailLookup(web),
  };
}

/** A Slack user's profile e-mail (`users.info`), undefined for a deleted user or one without an e-mail. */
export function slackEmailLookup(web: WebClient): (userId: string) => Promise<string | undefined> {
  return async (userId) => {
    try {
      const result = await web.users.info({ user: userId });
      return result.user?.deleted ? undefined : (result.user?.profile?.email ?? undefined);
    } catch (error) {
      throw slackFailure(`users.info of ${userId}`, error);
    }
  };
}
