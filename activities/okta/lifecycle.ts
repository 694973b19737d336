/**
 * Lifecycle actions: suspend, unsuspend, deactivate. Each reads the user first (a user already in the target status
 * gives `changed: false` without a write), then writes, then reads the status back.
 *
 * A write whose answer is lost is confirmed by reading back before it counts as failed (see `confirm-write.ts`).
 *
 * Illegal transitions (suspending a deprovisioned user) are left to Okta to refuse, so its rules stay the only
 * rules; its 400 becomes a non-retryable Conflict that names the user and their status.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { ActionContext } from '../action';
import { oktaCall } from './call';
import { confirmWrite, lostAnswerNote } from './confirm-write';
import { readBackStatus, readUser, userTarget } from './read';
import type { oktaDeactivateUser, oktaSuspendUser, oktaUnsuspendUser } from './specs';
import type { Input, Output } from './types';

type UserChange = Output<typeof oktaSuspendUser>;

interface StatusChange {
  operation: 'suspendUser' | 'unsuspendUser' | 'deactivateUser';
  /** The status the operation leads to. */
  target: string;
  send(client: okta.Client, userId: string): Promise<unknown>;
}

async function changeStatus(
  client: okta.Client,
  userRef: string,
  context: ActionContext,
  change: StatusChange,
): Promise<UserChange> {
  const user = await readUser(client, userRef);
  const base = { userId: user.id, login: user.login, previousStatus: user.status };
  if (user.status === change.target) {
    return {
      ...base,
      status: user.status,
      changed: false,
      verification: { readBack: true, detail: `read: the user was already ${change.target}; nothing was sent` },
    };
  }
  const confirmed = await confirmWrite(
    () =>
      oktaCall(change.operation, `${userTarget(user)} in status ${user.status}`, () => change.send(client, user.id)),
    async () => (await readUser(client, user.id)).status === change.target,
    context.signal,
  );
  const after = await readBackStatus(client, user, change.operation, change.target, context.signal);
  context.log.info(`Okta ${change.operation}: ${userTarget(user)} ${user.status} -> ${after.status}`);
  return {
    ...base,
    status: after.status,
    changed: true,
    verification: { readBack: true, detail: `${lostAnswerNote(confirmed)}read back: status is ${after.status}` },
  };
}

/** What an undo reports when the step it reverses changed nothing. */
function skipped(userRef: string): UserChange {
  return {
    userId: userRef,
    login: userRef,
    previousStatus: 'UNKNOWN',
    status: 'UNKNOWN',
    changed: false,
    verification: { readBack: false, detail: 'skipped: onlyIf was false (the step being undone changed nothing)' },
  };
}

export function suspendUser(client: okta.Client, input: Input<typeof oktaSuspendUser>, context: ActionContext) {
  return changeStatus(client, input.userId, context, {
    operation: 'suspendUser',
    target: 'SUSPENDED',
    send: (api, userId) => api.userApi.suspendUser({ userId }),
  });
}

export async function unsuspendUser(
  client: okta.Client,
  input: Input<typeof oktaUnsuspendUser>,
  context: ActionContext,
): Promise<UserChange> {
  if (!input.onlyIf) return skipped(input.userId);
  return changeStatus(client, input.userId, context, {
    operation: 'unsuspendUser',
    target: 'ACTIVE',
    send: (api, userId) => api.userApi.unsuspendUser({ userId }),
  });
}

export function deactivateUser(client: okta.Client, input: Input<typeof oktaDeactivateUser>, context: ActionContext) {
  return changeStatus(client, input.userId, context, {
    operation: 'deactivateUser',
    target: 'DEPROVISIONED',
    send: (api, userId) => api.userApi.deactivateUser({ userId, sendEmail: input.sendEmail }),
  });
}
