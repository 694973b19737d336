/**
 * What Slack adds to a worker: the Slack notifier after the given one (the log), and Slack user groups as approver
 * groups before the given directory (`CORDON_GROUPS`). Without a Slack configuration, the given services unchanged.
 */
import type { Directory, Notifier } from '../activities/run-services';
import type { SlackConfig } from '../config/slack';
import { createSlackWebClient } from './client';
import { combineNotifiers } from '../activities/notify/combine';
import { createSlackDirectory, fallbackDirectory } from './directory';
import { createSlackNotifier } from './notifier';

export interface NotifyServices {
  directory: Directory;
  notifier: Notifier;
}

export function withSlack(
  slack: SlackConfig | undefined,
  base: NotifyServices,
  warn: (message: string) => void = (message) => console.warn(message),
): NotifyServices {
  if (!slack) return base;
  // Rate limits fail the call at once: the notify activity's retry waits out Retry-After without holding a slot.
  // One client retry and a short timeout keep a notification within the activity's 30 s even when Slack hangs.
  const web = createSlackWebClient(slack, { rejectRateLimitedCalls: true, retries: 1, timeoutMs: 8000 });
  return {
    directory: fallbackDirectory(createSlackDirectory(web), base.directory),
    notifier: combineNotifiers(base.notifier, createSlackNotifier(web, { defaultChannel: slack.defaultChannel, warn })),
  };
}
