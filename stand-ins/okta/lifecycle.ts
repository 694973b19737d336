/**
 * Okta's user lifecycle rules: which status each lifecycle operation accepts and where it leads. An operation on a
 * user in any other status fails the way Okta fails it: 400 E0000001 with a cause that says why.
 *
 * The sources are the operation descriptions of Okta's OpenAPI description ("Perform this operation only on users with
 * an `ACTIVE` status", "Suspended users can't sign in to Okta. They can only be unsuspended or deactivated").
 */
import { validationFailed } from './errors';
import type { UserStatus } from './state';

interface Transition {
  from: readonly UserStatus[];
  /** The status afterwards; undefined when the operation leaves the status alone. */
  to?: UserStatus;
  /** Okta's error cause when the user is in another status. */
  refusal: string;
}

const PASSWORD_STATUSES = ['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'] as const;

export const TRANSITIONS = {
  suspendUser: { from: ['ACTIVE'], to: 'SUSPENDED', refusal: 'Cannot suspend a user that is not active' },
  unsuspendUser: { from: ['SUSPENDED'], to: 'ACTIVE', refusal: 'Cannot unsuspend a user that is not suspended' },
  deactivateUser: {
    from: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'],
    to: 'DEPROVISIONED',
    refusal: 'Cannot deactivate a user that is already deprovisioned',
  },
  generateResetPasswordToken: {
    from: PASSWORD_STATUSES,
    to: 'RECOVERY',
    refusal:
      'Cannot reset the password of a user in this status; a suspended user can only be unsuspended or deactivated',
  },
  expirePassword: {
    from: PASSWORD_STATUSES,
    to: 'PASSWORD_EXPIRED',
    refusal: 'Cannot expire the password of a user in this status',
  },
  expirePasswordAndGetTemporaryPassword: {
    from: PASSWORD_STATUSES,
    to: 'PASSWORD_EXPIRED',
    refusal: 'Cannot expire the password of a user in this status',
  },
  resetFactors: {
    from: ['PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'],
    refusal: 'Cannot reset the factors of a user in this status',
  },
} as const satisfies Record<string, Transition>;

export type LifecycleOperation = keyof typeof TRANSITIONS;

/** The status after `operation`, or the error Okta answers when the user's status does not allow it. */
export function transition(operation: LifecycleOperation, status: UserStatus): UserStatus {
  const rule: Transition = TRANSITIONS[operation];
  if (!rule.from.includes(status)) throw validationFailed(operation, [rule.refusal]);
  return rule.to ?? status;
}
