/**
 * Every failure type cordon raises, in one catalogue: those an action handler throws, and those the run itself raises.
 * Each is a `type` that retry policies, the workflow and callers match on (never `instanceof` across the sandbox).
 * Sandbox-safe: workflow code imports it.
 */

export const FAILURE_TYPES = {
  /** The input was wrong for this action; retrying cannot help. */
  invalidInput: 'InvalidInput',
  /** The target (user, group, zone, domain) does not exist. */
  notFound: 'NotFound',
  /** The credentials lack a permission. */
  forbidden: 'Forbidden',
  /** The service refused a state change it does not allow (e.g. an illegal lifecycle transition). */
  conflict: 'Conflict',
  /** The call was rate-limited; retry after the reset. */
  rateLimited: 'RateLimited',
  /** The service failed or timed out; retry. */
  unavailable: 'Unavailable',
  /** The call returned, but reading back shows the effect did not happen. */
  notVerified: 'EffectNotVerified',
  /** A limit of the service would be exceeded. */
  limitExceeded: 'LimitExceeded',
  /** The action is not configured on this worker (e.g. no Okta org). */
  notConfigured: 'NotConfigured',
  /** `core.fail` and other deliberate failures. */
  deliberate: 'DeliberateFailure',
  /** The addresses overlap cordon's own egress or a configured corporate range (see config/guardrails.ts). */
  protectedNetwork: 'ProtectedNetwork',
  /** The target is a protected account (configured, a member of a protected group, a super-admin, cordon's own). */
  protectedPrincipal: 'ProtectedPrincipal',
  /** The kill switch is on (`cordon pause`): no state-changing action runs until `cordon resume`. */
  paused: 'Paused',
  /** A governor limit (changes per window, items per run) holds the change; see config/governor.ts. */
  limitReached: 'LimitReached',

  /** A handler returned output that breaks its own schema: a bug, so no retry. */
  invalidOutput: 'InvalidOutput',

  // Run-level failures, raised by the workflow itself rather than by an action.
  /** The plan is malformed, or not what the worker's compiler and catalogue make of its source. */
  invalidPlan: 'InvalidPlan',
  /** A run whose steps failed: the run's result is in the failure's details. */
  playbookFailed: 'PlaybookFailed',
  /** A step (or an internal workflow) would run something destructive that nobody approved. */
  notApproved: 'NotApproved',
  /** A covered step would run with other inputs than those its gate's approvers saw. */
  approvalMismatch: 'ApprovalMismatch',
  /** An approval decision that does not count (not verified, not an approver, stale, replayed, …). */
  decisionRefused: 'DecisionRefused',
  /** A run started from Slack whose slash command the worker could not verify as Slack's, by its requester. */
  requestNotVerified: 'RequestNotVerified',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];

/** Failure types that no retry can fix: the activity fails at once. */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [
  FAILURE_TYPES.invalidInput,
  FAILURE_TYPES.notFound,
  FAILURE_TYPES.forbidden,
  FAILURE_TYPES.conflict,
  FAILURE_TYPES.limitExceeded,
  FAILURE_TYPES.notConfigured,
  FAILURE_TYPES.deliberate,
  FAILURE_TYPES.invalidOutput,
  FAILURE_TYPES.protectedNetwork,
  FAILURE_TYPES.protectedPrincipal,
  FAILURE_TYPES.paused,
  // The run decides whether to wait (workflows/governor-hold.ts): a retry of the activity would only ask again.
  FAILURE_TYPES.limitReached,
];

/** Thrown by an action handler; converted to an `ApplicationFailure` at the activity boundary. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  constructor(
    readonly type: FailureType,
    message: string,
    readonly options: { retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get retryable(): boolean {
    return !NON_RETRYABLE_FAILURE_TYPES.includes(this.type);
  }
}
