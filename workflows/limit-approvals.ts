/**
 * The separate approval that lets a step's held changes pass a governor limit. It is asked once per step and limit,
 * under the approval id `limit:<step>:<limit>`, from the step's own approvers (a step without approvers waits for room
 * only), with the limit and its use as evidence; it never approves itself on timeout, whatever the step's gate says.
 * Its decisions count like any other (verified, not the requester, not the subject).
 */
import { patched } from '@temporalio/workflow';
import { hashValue } from '../dsl/canonical-json';
import type { PlanStep } from '../dsl/plan';
import type { ApprovalGates } from './approval-gates';
import type { LimitApprovalOutcome } from './limit-hold-records';
import type { RunTracker } from './run-tracker';

/** Asks for the approval and waits; undefined when the step has nobody to ask. */
export type LimitApprovals = (
  stepId: string,
  limit: string,
  description: string,
  stillHeld: () => boolean,
) => Promise<LimitApprovalOutcome> | undefined;

export function limitApprovalId(stepId: string, limit: string): string {
  return `limit:${stepId}:${limit}`;
}

/**
 * Runs before this asked only a step's own approvers: a step covered by another's gate (`approval.covers`) has none, and
 * its held changes waited for room, which a per-run cap never gives back. Since, they ask the covering gate's approvers.
 */
export const COVERED_LIMIT_APPROVAL_PATCH = 'cordon-covered-limit-approval';

/** The gate whose approvers decide on a step's limits: its own, or (with the patch) the one that covers it. */
function gateOf(step: PlanStep, steps: readonly PlanStep[], covered: boolean): PlanStep['approval'] {
  if (step.approval || !covered || !step.coveredBy) return step.approval;
  return steps.find((candidate) => candidate.id === step.coveredBy)?.approval;
}

/** Call before the run's first await (it decides a patch). */
export function createLimitApprovals(
  steps: readonly PlanStep[],
  gates: ApprovalGates,
  tracker: RunTracker,
): LimitApprovals {
  const covered = patched(COVERED_LIMIT_APPROVAL_PATCH);
  return (stepId, limit, description, stillHeld) => {
    const step = steps.find((candidate) => candidate.id === stepId);
    const approval = step && gateOf(step, steps, covered);
    if (!step || !approval) return undefined;
    const id = limitApprovalId(stepId, limit);
    const gate = {
      ...approval,
      // A limit approval covers no other step, whatever the gate it borrows its approvers from covers.
      covers: undefined,
      onTimeout: approval.onTimeout === 'escalate' ? 'escalate' : 'reject',
    } as const;
    const request = { step: stepId, action: step.action, limit };
    const evidence = { limit: description, step: stepId };
    return gates
      .request({ ...step, id, approval: gate }, gate, request, hashValue(request), evidence, () => !stillHeld())
      .then((outcome) => {
        const approval = tracker.state.approvals.filter((candidate) => candidate.stepId === id).at(-1);
        const decisions = approval?.decisions ?? [];
        if (outcome === 'approved') {
          const approvers = decisions.filter((decision) => decision.decision === 'approve');
          return { approved: true, by: approvers.map((decision) => decision.person ?? decision.approver).join(', ') };
        }
        if (approval && !stillHeld() && decisions.at(-1)?.via === 'timeout') {
          tracker.explainTimeout(approval, 'no longer needed: the limit had room again');
        }
        return {
          approved: false,
          why: `the approval to pass ${limit} was rejected by ${decisions.at(-1)?.approver}: ${decisions.at(-1)?.reason}`,
        };
      });
  };
}
