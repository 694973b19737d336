/**
 * Approval gates. A gate binds to the step's resolved inputs by hash; a decision arrives as the `decide` Update, whose
 * validator refuses (without touching the run or its history) anything not allowed: an unknown approver, the requester,
 * a stale hash, a step that is not waiting, a second vote by the same person, a rejection without a reason.
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { PlanApproval, PlanStep } from '../dsl/plan';
import type { RunServices } from '../activities/run-services';
import type { ApprovalDecision } from './messages';
import type { ApprovalState } from './run-state';
import { now, type RunTracker } from './run-tracker';

const { 'cordon.resolve_approvers': resolveApprovers } = proxyActivities<RunServices>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, maximumInterval: '30s' },
});

/** Thrown by the validator; its message is what the person who clicked is told. */
export class DecisionRefused extends Error {
  override readonly name = 'DecisionRefused';
}

export type GateOutcome = 'approved' | 'rejected';

export class ApprovalGates {
  constructor(private readonly tracker: RunTracker) {}

  private pending(stepId: string): ApprovalState | undefined {
    return this.tracker.state.approvals.find((approval) => approval.stepId === stepId && approval.status === 'pending');
  }

  /** The Update validator: throws `DecisionRefused` saying why a decision is not allowed. */
  validate(decision: ApprovalDecision): void {
    const approval = this.pending(decision.stepId);
    if (!approval) {
      const decided = this.tracker.state.approvals.find((candidate) => candidate.stepId === decision.stepId);
      throw new DecisionRefused(
        decided
          ? `step "${decision.stepId}" was already ${decided.status}`
          : `step "${decision.stepId}" is not waiting for an approval`,
      );
    }
    if (decision.decision !== 'approve' && decision.decision !== 'reject') {
      throw new DecisionRefused(`decision must be approve or reject, not ${String(decision.decision)}`);
    }
    if (decision.approver === this.tracker.state.requester) {
      throw new DecisionRefused(`${decision.approver} requested this run and cannot approve or reject its steps`);
    }
    if (!approval.approvers.includes(decision.approver)) {
      throw new DecisionRefused(`${decision.approver} is not an approver of step "${decision.stepId}"`);
    }
    if (decision.inputsHash !== approval.inputsHash) {
      throw new DecisionRefused(
        `the decision is about other inputs (hash ${decision.inputsHash.slice(0, 12)}…) than the step will run with (${approval.inputsHash.slice(0, 12)}…); look at the request again`,
      );
    }
    if (approval.decisions.some((previous) => previous.approver === decision.approver)) {
      throw new DecisionRefused(`${decision.approver} has already decided on step "${decision.stepId}"`);
    }
    if (decision.decision === 'reject' && !decision.reason?.trim()) {
      throw new DecisionRefused('a rejection needs a reason');
    }
  }

  /** The Update handler, run only after the validator accepted. */
  decide(decision: ApprovalDecision): ApprovalState {
    const approval = this.pending(decision.stepId);
    if (!approval) throw new DecisionRefused(`step "${decision.stepId}" is not waiting for an approval`);
    approval.decisions.push({
      approver: decision.approver,
      decision: decision.decision,
      reason: decision.reason?.trim() || undefined,
      at: now(),
      via: 'human',
    });
    this.settle(approval);
    return approval;
  }

  private settle(approval: ApprovalState): void {
    if (approval.decisions.some((decision) => decision.decision === 'reject')) approval.status = 'rejected';
    else if (approval.decisions.filter((decision) => decision.decision === 'approve').length >= approval.required) {
      approval.status = 'approved';
    }
    if (approval.status !== 'pending') this.tracker.approvalEvent('approval_decided', approval);
  }

  private decideByTimeout(approval: ApprovalState, decision: 'approve' | 'reject', reason: string): void {
    approval.decisions.push({ approver: 'timeout', decision, reason, at: now(), via: 'timeout' });
    approval.status = decision === 'approve' ? 'approved' : 'rejected';
    this.tracker.approvalEvent('approval_decided', approval);
  }

  /**
   * Asks for approval of a step with the given resolved inputs and waits for the outcome, applying the gate's timeout
   * policy. `abandoned` ends the wait early (the run was aborted), leaving the gate rejected.
   */
  async request(
    step: PlanStep,
    gate: PlanApproval,
    input: unknown,
    inputsHash: string,
    evidence: Record<string, unknown>,
    abandoned: () => boolean,
  ): Promise<GateOutcome> {
    const approvers = await resolveApprovers(gate.approvers);
    const approval: ApprovalState = {
      stepId: step.id,
      action: step.action,
      impact: step.impact,
      input,
      inputsHash,
      evidence,
      approvers: approvers.filter((approver) => approver !== this.tracker.state.requester),
      required: gate.required,
      requestedAt: now(),
      deadline: new Date(Date.now() + gate.timeoutMs).toISOString(),
      escalated: false,
      decisions: [],
      status: 'pending',
    };
    this.tracker.state.approvals.push(approval);
    this.tracker.approvalEvent('approval_requested', approval);

    const settled = () => approval.status !== 'pending' || abandoned();
    if (!(await condition(settled, gate.timeoutMs))) {
      await this.onTimeout(approval, gate, settled, step.unattended?.reason);
    }
    if (approval.status === 'pending') this.decideByTimeout(approval, 'reject', 'the run was aborted');
    return approval.status === 'approved' ? 'approved' : 'rejected';
  }

  private async onTimeout(
    approval: ApprovalState,
    gate: PlanApproval,
    settled: () => boolean,
    unattendedReason: string | undefined,
  ): Promise<void> {
    const waited = `no decision within ${Math.round(gate.timeoutMs / 1000)}s`;
    if (gate.onTimeout === 'approve') {
      // The worker refuses a destructive gate that approves itself unless the playbook says why: record the why.
      const why = unattendedReason ? `: ${unattendedReason}` : '';
      return this.decideByTimeout(approval, 'approve', `${waited}; the playbook approves on timeout${why}`);
    }
    if (gate.onTimeout === 'reject' || !gate.escalation) return this.decideByTimeout(approval, 'reject', waited);

    const escalation = gate.escalation;
    const more = await resolveApprovers(escalation.approvers);
    approval.approvers = [...new Set([...approval.approvers, ...more])].filter(
      (approver) => approver !== this.tracker.state.requester,
    );
    approval.escalated = true;
    approval.deadline = new Date(Date.now() + escalation.timeoutMs).toISOString();
    this.tracker.escalated(approval, escalation.channel);
    if (!(await condition(settled, escalation.timeoutMs))) {
      this.decideByTimeout(
        approval,
        'reject',
        `${waited}, nor within ${Math.round(escalation.timeoutMs / 1000)}s of escalation`,
      );
    }
  }
}
