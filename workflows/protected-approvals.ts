/**
 * The separate approval that lets one change reach a protected account (a super-admin, a break-glass account, cordon's
 * own). The Okta handler refuses such a change with `ProtectedPrincipal`, naming the account in the failure's details;
 * the run then asks the step's own approvers, under the approval id `protected:<step>:<user id>`, to approve that
 * account by name ("okta.suspend_user on the protected account root@… (00u…), protected as an Okta super-admin"), and,
 * once a verified decision approves it, calls the change again with a grant naming exactly that account, which the
 * worker signs for that very call (a local activity, see activities/principal-grants.ts) and the handler checks
 * itself. The approval never approves itself on timeout, whatever the step's gate or `unattended` say;
 * a step without approvers (an `unattended` step) has nobody to ask and fails as before. Chunks of a large `forEach`
 * have no gates: there the change fails as before.
 */
import { ActivityFailure, ApplicationFailure, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { ApprovedPrincipal } from '../activities/action';
import { FAILURE_TYPES } from '../activities/errors';
import type { GrantServices } from '../activities/principal-grants';
import { hashValue } from '../dsl/canonical-json';
import type { PlanStep } from '../dsl/plan';
import type { ApprovalGates } from './approval-gates';
import type { RunTracker } from './run-tracker';

/** Runs recorded before this failed on `ProtectedPrincipal`; the patch marks the runs that may ask instead. */
export const PROTECTED_APPROVAL_PATCH = 'cordon-protected-approval';

/**
 * Runs recorded before this passed their grants unsigned; the patch marks the runs that have the worker sign each
 * grant for the call it is given to (`cordon.sign_grants`, a local activity: one marker more per granted call).
 */
export const SIGNED_GRANT_PATCH = 'cordon-signed-protected-grant';

const { 'cordon.sign_grants': signGrants } = proxyLocalActivities<GrantServices>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3, initialInterval: '1s' },
});

interface ProtectedAccount {
  userId: string;
  login: string;
  reason: string;
}

interface Refusal extends ProtectedAccount {
  /** Set when the call carried a grant for the account that the handler did not accept (see principal-grants.ts). */
  grantRefused?: string;
}

/** Asks for the approval naming `account` and waits: the grant, or undefined when refused or nobody can be asked. */
export type ProtectedApprovals = (
  stepId: string,
  action: string,
  account: ProtectedAccount,
) => Promise<ApprovedPrincipal | undefined>;

/** Workflow state (each run has its own module instance in the sandbox). */
let protectedApprovals: ProtectedApprovals | undefined;
/** One request per step and account, however many items or attempts meet it. */
const asked = new Map<string, Promise<ApprovedPrincipal | undefined>>();

export function useProtectedApprovals(approvals: ProtectedApprovals): void {
  protectedApprovals = approvals;
}

export function protectedApprovalId(stepId: string, userId: string): string {
  return `protected:${stepId}:${userId}`;
}

export function createProtectedApprovals(
  steps: readonly PlanStep[],
  gates: ApprovalGates,
  tracker: RunTracker,
): ProtectedApprovals {
  return async (stepId, action, account) => {
    const step = steps.find((candidate) => candidate.id === stepId);
    if (!step?.approval) return undefined;
    const id = protectedApprovalId(stepId, account.userId);
    // Never approved by a timeout: `unattended` (or onTimeout: approve) is no approval naming the account.
    const gate = {
      ...step.approval,
      onTimeout: step.approval.onTimeout === 'escalate' ? 'escalate' : 'reject',
    } as const;
    const request = { step: stepId, action, protectedAccount: account };
    const shown = {
      change: `${action} on the protected account ${account.login} (${account.userId}), protected as ${account.reason}`,
    };
    const outcome = await gates.request(
      { ...step, id, approval: gate },
      gate,
      request,
      hashValue(request),
      shown,
      () => false,
    );
    if (outcome !== 'approved') return undefined;
    const approval = tracker.state.approvals.filter((candidate) => candidate.stepId === id).at(-1);
    const by = (approval?.decisions ?? [])
      .filter((decision) => decision.decision === 'approve')
      .map((decision) => decision.person ?? decision.approver)
      .join(', ');
    return { userId: account.userId, approval: id, by };
  };
}

/** The protected account a `ProtectedPrincipal` failure names, if it names one (a protected group names none). */
function refusedAccount(error: unknown): Refusal | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return undefined;
  if (error.cause.type !== FAILURE_TYPES.protectedPrincipal) return undefined;
  const details: unknown = error.cause.details?.[0];
  if (typeof details !== 'object' || details === null) return undefined;
  if (!('userId' in details && 'login' in details && 'reason' in details)) return undefined;
  const { userId, login, reason } = details;
  if (typeof userId !== 'string' || typeof login !== 'string' || typeof reason !== 'string') return undefined;
  const grantRefused =
    'grantRefused' in details && typeof details.grantRefused === 'string' ? details.grantRefused : '';
  return { userId, login, reason, ...(grantRefused ? { grantRefused } : {}) };
}

/** The call that grants are given to: a grant the worker signs is good for this activity and input alone. */
export interface GrantedCall {
  activityId: string;
  input: unknown;
}

/** The grants as the call gets them: signed by the worker for it (runs recorded before the patch pass them as they are). */
function grantsFor(call: GrantedCall, granted: ApprovedPrincipal[]): Promise<readonly ApprovedPrincipal[]> {
  if (granted.length === 0 || !patched(SIGNED_GRANT_PATCH)) return Promise.resolve(granted);
  return signGrants({ activityId: call.activityId, input: call.input, grants: granted });
}

/**
 * Calls a change; when the handler refuses it for a protected account, asks the approval naming that account (once
 * per step and account) and, approved, calls it again with the grant, signed by the worker for this call. Refused, the
 * change fails as it did.
 */
export async function callWithProtectedApproval(
  step: PlanStep,
  granting: GrantedCall,
  call: (principals: readonly ApprovedPrincipal[]) => Promise<unknown>,
): Promise<unknown> {
  const granted: ApprovedPrincipal[] = [];
  let signedAgain = false;
  for (;;) {
    try {
      return await call(await grantsFor(granting, granted));
    } catch (error) {
      const refusal = refusedAccount(error);
      if (!refusal || !protectedApprovals) throw error;
      if (granted.some((grant) => grant.userId === refusal.userId)) {
        // Granted, yet the grant refused: the change ran on a worker with another key (one restarted without
        // CORDON_GRANT_KEY). Signed again, once, by the worker running this run now.
        if (!refusal.grantRefused || signedAgain) throw error;
        signedAgain = true;
        continue;
      }
      if (!patched(PROTECTED_APPROVAL_PATCH)) throw error;
      const account = { userId: refusal.userId, login: refusal.login, reason: refusal.reason };
      const key = protectedApprovalId(step.id, account.userId);
      let pending = asked.get(key);
      if (!pending) {
        pending = protectedApprovals(step.id, step.action, account);
        asked.set(key, pending);
      }
      const grant = await pending;
      if (!grant) throw error;
      granted.push(grant);
    }
  }
}
