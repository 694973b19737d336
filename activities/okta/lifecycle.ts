/**
 * Lifecycle actions: suspend, unsuspend, deactivate. Each writes first (no read before: it would cost a request per
 * account on a campaign's critical path). Okta refuses a transition the user's status does not allow (400 E0000001),
 * and a user already in the target status is such a user: only then is the user read, to tell "already done"
 * (`changed: false`) from a real refusal, which becomes a non-retryable Conflict naming the user and their status. So
 * Okta's rules stay the only rules.
 *
 * A write whose answer is lost is confirmed by reading back before it counts as failed (see `confirm-write.ts`).
 * Suspension and deactivation are read back after a 200 too: an Okta that answers 200 without applying a suspension
 * would leave the account open under a run that says otherwise (issue 15), and a deactivation may finish
 * asynchronously (`transitioningToStatus`). The read comes after the write, so it delays the step's end, not the
 * containment.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { ActionContext } from '../action';
import { listed } from '../effect';
import { FAILURE_TYPES } from '../errors';
import { confirmWrite, lostAnswerNote } from './confirm-write';
import { readInputUsers, readUsers, statusEffect } from './effect-reads';
import { toActionError } from './errors';
import { addressUser, readBackStatus, readUser, userTarget, type OktaUser } from './read';
import type { oktaDeactivateUser, oktaSuspendUser, oktaUnsuspendUser } from './lifecycle-specs';
import type { OktaDescriber, OktaHandler, Output } from './types';

type UserChange = Output<typeof oktaSuspendUser>;

interface StatusChange {
  operation: 'suspendUser' | 'unsuspendUser' | 'deactivateUser';
  /** The status the operation leads to. */
  target: string;
  /** The only status Okta allows the operation from, when there is one: what a 200 says the user was in. */
  from?: string;
  /** Read the status back after a 200 (for transitions Okta may finish asynchronously). */
  readBack: boolean;
  send(client: okta.Client, userId: string): Promise<unknown>;
}

/** The answer of a call that changed nothing: the user's status as found (UNKNOWN when the user was not read). */
function unchangedUser(
  user: Pick<OktaUser, 'id' | 'login' | 'status'>,
  verification: UserChange['verification'],
): UserChange {
  return {
    userId: user.id,
    login: user.login,
    previousStatus: user.status,
    status: user.status,
    changed: false,
    verification,
  };
}

async function changeStatus(
  client: okta.Client,
  userRef: string,
  context: ActionContext,
  change: StatusChange,
): Promise<UserChange> {
  const user = await addressUser(client, userRef);
  const target = userTarget(user);
  let already: OktaUser | undefined;
  const write = async () => {
    try {
      await change.send(client, user.id);
    } catch (error) {
      const failure = toActionError(error, { operation: change.operation, target });
      if (failure.type !== FAILURE_TYPES.conflict) throw failure;
      const current = await readUser(client, user.id);
      if (current.status !== change.target) {
        throw toActionError(error, {
          operation: change.operation,
          target: `${userTarget(current)} in status ${current.status}`,
        });
      }
      already = current;
    }
  };
  const confirmed = await confirmWrite(
    write,
    async () => (await readUser(client, user.id)).status === change.target,
    context.signal,
  );
  if (already) {
    return unchangedUser(already, {
      readBack: true,
      detail: `read: the user was already ${change.target} (Okta refused the write as it stood)`,
    });
  }
  const previousStatus = user.status ?? change.from ?? 'UNKNOWN';
  let status = change.target;
  let detail = `Okta answered 200: its lifecycle call is synchronous, so the user is ${change.target}`;
  if (confirmed.answerLost) {
    detail = `${lostAnswerNote(confirmed)}read back: status is ${change.target}`;
  } else if (change.readBack) {
    status = (await readBackStatus(client, user, change.operation, change.target, context.signal)).status;
    detail = `read back: status is ${status}`;
  }
  context.log.info(`Okta ${change.operation}: ${target} ${previousStatus} -> ${status}`);
  return {
    userId: user.id,
    login: user.login,
    previousStatus,
    status,
    changed: true,
    verification: { readBack: confirmed.answerLost !== undefined || change.readBack, detail },
  };
}

/** What an undo reports when the step it reverses changed nothing. */
function skipped(userRef: string): UserChange {
  return unchangedUser(
    { id: userRef, login: userRef, status: 'UNKNOWN' },
    { readBack: false, detail: 'skipped: onlyIf was false (the step being undone changed nothing)' },
  );
}

export const suspendUser: OktaHandler<typeof oktaSuspendUser> = (client, input, context) => {
  return changeStatus(client, input.userId, context, {
    operation: 'suspendUser',
    target: 'SUSPENDED',
    from: 'ACTIVE',
    // Read back though the call is synchronous: an Okta that answers 200 without applying the suspension (seen by the
    // fault campaign, issue 15) would otherwise leave the account open under a run that says it is suspended. The read
    // comes after the write, so it delays the step's end, not the containment.
    readBack: true,
    send: (api, userId) => api.userApi.suspendUser({ userId }),
  });
};

export const unsuspendUser: OktaHandler<typeof oktaUnsuspendUser> = async (client, input, context) => {
  if (!input.onlyIf) return skipped(input.userId);
  if (input.ifStatus !== undefined) {
    // An undo: read first, and leave the user alone if someone changed their status since the suspension.
    const current = await readUser(client, input.userId);
    if (current.status !== input.ifStatus) {
      const leftAlone = `${userTarget(current)} is ${current.status}, not ${input.ifStatus} as the step being undone left it: changed since, left alone`;
      context.log.info(`Okta unsuspendUser: ${leftAlone}`);
      return { ...unchangedUser(current, { readBack: true, detail: `read: status is ${current.status}` }), leftAlone };
    }
  }
  return changeStatus(client, input.userId, context, {
    operation: 'unsuspendUser',
    target: 'ACTIVE',
    from: 'SUSPENDED',
    readBack: false,
    send: (api, userId) => api.userApi.unsuspendUser({ userId }),
  });
};

export const deactivateUser: OktaHandler<typeof oktaDeactivateUser> = (client, input, context) => {
  return changeStatus(client, input.userId, context, {
    operation: 'deactivateUser',
    target: 'DEPROVISIONED',
    readBack: true,
    send: (api, userId) => api.userApi.deactivateUser({ userId, sendEmail: input.sendEmail }),
  });
};

export const describeSuspendUser: OktaDescriber<typeof oktaSuspendUser> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  return statusEffect(users, { verb: 'suspend', operation: 'suspendUser' });
};

export const describeUnsuspendUser: OktaDescriber<typeof oktaUnsuspendUser> = async (client, inputs) => {
  // onlyIf false: the undo of a step that changed nothing, which sends nothing.
  const undoing = inputs.filter((input) => input.onlyIf);
  const users = await readUsers(
    client,
    undoing.map((input) => input.userId),
  );
  // An undo whose user changed status since the suspension leaves them alone (see unsuspendUser).
  const expected = new Map(undoing.map((input) => [input.userId, input.ifStatus]));
  const changedSince = (user: OktaUser) => {
    const status = expected.get(user.id) ?? expected.get(user.login);
    return status !== undefined && user.status !== status;
  };
  const effect = statusEffect(
    users.filter((user) => !changedSince(user)),
    { verb: 'unsuspend', operation: 'unsuspendUser' },
  );
  const leftAlone = users.filter(changedSince);
  if (leftAlone.length === 0) return effect;
  const note = `left alone, changed since: ${listed(leftAlone.map((user) => `${user.login} (${user.status})`))}`;
  return { ...effect, summary: `${effect.summary}; ${note}` };
};

export const describeDeactivateUser: OktaDescriber<typeof oktaDeactivateUser> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  return statusEffect(users, { verb: 'deactivate', operation: 'deactivateUser', note: 'removed from every app' });
};
