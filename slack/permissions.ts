/**
 * Who may start which playbook from Slack (`SLACK_RUN_PERMISSIONS`): a playbook's own entry if it has one, else the
 * `*` entry; a user is allowed when listed, or a member of a listed group. With no permissions configured, anyone in
 * the workspace may start a run (destructive steps still wait for an approver who is not the requester); with
 * permissions configured, a playbook without an entry and without `*` cannot be started from Slack at all.
 */
import type { Directory } from '../activities/run-services';
import type { RunPermissions } from '../config/slack';
import { errorMessage } from '../activities/error-message';

export type PermissionCheck = { allowed: true } | { allowed: false; reason: string };

export async function mayRun(
  permissions: RunPermissions | undefined,
  playbookId: string,
  userId: string,
  directory: Directory | undefined,
  warn: (message: string) => void = () => {},
): Promise<PermissionCheck> {
  if (!permissions) return { allowed: true };
  const entry = permissions[playbookId] ?? permissions['*'];
  if (!entry || (entry.users.length === 0 && entry.groups.length === 0)) {
    return {
      allowed: false,
      reason: `playbook ${playbookId} cannot be started from Slack (no permission entry for it)`,
    };
  }
  if (entry.users.includes(userId)) return { allowed: true };
  for (const group of entry.groups) {
    try {
      if (directory && (await directory.membersOf(group)).includes(userId)) return { allowed: true };
    } catch (error) {
      warn(`cordon: cannot resolve group ${group} for run permissions: ${errorMessage(error)}`);
    }
  }
  const who = [...entry.users.map((user) => `<@${user}>`), ...entry.groups.map((group) => `members of @${group}`)];
  return { allowed: false, reason: `you may not run ${playbookId}; it is open to ${who.join(', ')}` };
}
