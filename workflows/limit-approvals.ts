/**
 * The separate approval that lets a step's held changes pass a governor limit. It is asked once per step and limit,
 * under the approval id `limit:<step>:<limit>`, from the step's own approvers (a step without approvers waits for room
 * only), with the limit and its use as evidence; it never approves itself on timeout, whatever the step's gate says.
 * Its decisions count like any other (verified, not the requester, not the subject).
 */
import { hashValue } from '../dsl/canonical-json';
import type { PlanStep } from '../dsl/plan';
import type { ApprovalGates } from './approval-gates';
import type { RunTracker } from './run-tracker';

export type LimitApprovalOutcome = { approved: true; by: string } | { approved: false; why: string };

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

export function createLimitApprovals(
  steps: readonly PlanStep[],
  gates: ApprovalGates,
  tracker: RunTracker,
): LimitApprovals {
  return (stepId, limit, description, stillHeld) => {
    const step = steps.find((candidate) => candidate.id === stepId);
    if (!step?.approval) return undefined;
    const id = limitApprovalId(stepId, limit);
    const gate = {
      ...step.approval,
      onTimeout: step.approval.onTimeout === 'escalate' ? 'escalate' : 'reject',
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
