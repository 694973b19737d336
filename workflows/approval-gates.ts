/**
 * Approval gates. A gate binds to the step's resolved inputs by hash; a decision arrives as the `decide` Update.
 * Its validator refuses (without touching the run or its history) what needs no look-up: a step that is not waiting,
 * a stale hash, a rejection without a reason. Its handler then has the worker verify where the decision came from
 * (`cordon.verify_decision`: Slack's signature, or the approver's own key) and who made it, and applies the policy to
 * that person: an approver of the step, not the requester, not the subject of the containment, nobody its detections
 * name (see named-people.ts), nobody whose own account the step's effect plan changes (a campaign's or an undo's
 * accounts: their subject is not one person), not deciding twice, not replaying a signed decision already used. A decision refused
 * there is recorded in the gate (for the audit) and changes nothing else. The same people are left out of the listed
 * approvers, compared as people by the worker's directory.
 */
import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlanApproval, PlanStep } from '../dsl/plan';
import { FAILURE_TYPES } from '../activities/errors';
import type { RunServices } from '../activities/run-services';
import type { DecisionVerdict } from '../activities/verify-decision';
import type { StepEffect } from '../activities/effect-services';
import type { ApprovalDecision } from './messages';
import { peopleNamedBy } from './named-people';
import type { ApprovalState, ReadOnlyDeep, RefusedDecisionRecord } from './run-state';
import { recordApprovalWait } from './run-metrics';
import { now, type RunTracker } from './run-tracker';

const { 'cordon.resolve_approvers': resolveApprovers } = proxyActivities<RunServices>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 10, maximumInterval: '30s' },
});

// Local: the person who clicked waits for the answer, and the check is short (a Slack profile look-up at most).
const { 'cordon.verify_decision': verifyDecision } = proxyLocalActivities<RunServices>({
  startToCloseTimeout: '15s',
  retry: { maximumAttempts: 3, initialInterval: '500ms' },
});

/** Decisions made before this patch were counted on the sender's word; their histories replay unchanged. */
export const VERIFIED_DECISIONS_PATCH = 'cordon-verified-decisions';

/** Decisions before this patch were not compared with the people the run's detections name; they replay unchanged. */
export const NAMED_PEOPLE_PATCH = 'cordon-detection-named-never-decide';

/**
 * Decisions are verified one at a time. Two verified at once (a double click, a retried request) each await their own
 * local activity, and on replay both results can come back in one activation where they came back in two as the run
 * ran: the handlers then resumed in another order against the run's timers, the history no longer replayed, and a run
 * that had to be replayed (a worker restart, a task conflict) stayed open for good. Runs from before this patch keep
 * verifying side by side, as they ran.
 */
export const ONE_DECISION_AT_A_TIME_PATCH = 'cordon-one-decision-at-a-time';

/** How many refused decisions a gate keeps in its state (the history keeps every one). */
const REFUSALS_KEPT = 20;

/**
 * A decision that does not count, as the failure the validator or handler throws: its message is what the person who
 * decided is told, and callers match its type (`DecisionRefusedError` on the client side, see `runs/decide.ts`).
 */
function decisionRefused(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE_TYPES.decisionRefused);
}

export type GateOutcome = 'approved' | 'rejected';

/**
 * The logins of the accounts an effect plan changes (see `PlannedChange.account`). Needs no patch: a request made
 * before effect plans named accounts has none, so its decisions replay as they were made.
 */
function accountsChangedBy(effects: ReadOnlyDeep<StepEffect[]> | undefined): string[] {
  return [...new Set((effects ?? []).flatMap((effect) => effect.changes.flatMap((change) => change.account ?? [])))];
}

export class ApprovalGates {
  /** Whether a decision is being verified now (see ONE_DECISION_AT_A_TIME_PATCH). */
  private verifying = false;

  constructor(
    private readonly tracker: RunTracker,
    /** Whoever the detections of the run this one undoes named (an undo's only; see `UndoOf`). */
    private readonly namedByUndoneRun: readonly string[] = [],
  ) {}

  /** Whoever the detections name: this run's, and those of the run it undoes. */
  private named(): string[] {
    return [...new Set([...peopleNamedBy(this.tracker.state.alerts), ...this.namedByUndoneRun])];
  }

  /** The Update validator: throws `DecisionRefused` saying why a decision cannot be about this step now. */
  validate(decision: ApprovalDecision): void {
    const approval = this.tracker.pendingApproval(decision.stepId);
    if (!approval) throw this.notWaiting(decision.stepId);
    if (decision.decision !== 'approve' && decision.decision !== 'reject') {
      throw decisionRefused(`decision must be approve or reject, not ${String(decision.decision)}`);
    }
    if (decision.inputsHash !== approval.inputsHash) {
      throw decisionRefused(
        `the decision is about other inputs (hash ${String(decision.inputsHash).slice(0, 12)}…) than the step will run with (${approval.inputsHash.slice(0, 12)}…); look at the request again`,
      );
    }
    if (decision.decision === 'reject' && !decision.reason?.trim()) {
      throw decisionRefused('a rejection needs a reason');
    }
  }

  private notWaiting(stepId: string): ApplicationFailure {
    const decided = this.tracker.state.approvals.find((candidate) => candidate.stepId === stepId);
    return decisionRefused(
      decided ? `step "${stepId}" was already ${decided.status}` : `step "${stepId}" is not waiting for an approval`,
    );
  }

  /** The Update handler, run only after the validator accepted. */
  async decide(decision: ApprovalDecision): Promise<ApprovalState> {
    if (!patched(VERIFIED_DECISIONS_PATCH)) return this.decideUnverified(decision);
    // Decided before the first await, so a replay decides it at the same point.
    const named = patched(NAMED_PEOPLE_PATCH) ? this.named() : [];
    if (!patched(ONE_DECISION_AT_A_TIME_PATCH)) return this.verifyAndDecide(decision, named);
    // Checked and taken without an await in between: two handlers woken together must not both find it free.
    while (this.verifying) await condition(() => !this.verifying);
    this.verifying = true;
    try {
      if (!this.tracker.pendingApproval(decision.stepId)) throw this.notWaiting(decision.stepId);
      return await this.verifyAndDecide(decision, named);
    } finally {
      this.verifying = false;
    }
  }

  private async verifyAndDecide(decision: ApprovalDecision, named: readonly string[]): Promise<ApprovalState> {
    const verdict: DecisionVerdict = decision.proof
      ? await verifyDecision({ workflowId: workflowInfo().workflowId, decision })
      : { verified: false, channel: 'none', problem: 'the decision is not signed (Slack request or approver key)' };
    const approval = this.tracker.pendingApproval(decision.stepId);
    if (!approval) throw decisionRefused(`step "${decision.stepId}" was decided while this decision was verified`);
    const problem = this.refusal(approval, decision, verdict, named);
    if (problem) {
      const refused: RefusedDecisionRecord = {
        claimed: String(decision.approver),
        decision: decision.decision,
        channel: verdict.channel,
        problem,
        at: now(),
        // Only a verified proof is used up: a forgery must not burn the nonce of the real decision.
        ...(verdict.verified ? { person: verdict.person.id, proofId: verdict.proofId } : {}),
      };
      this.tracker.recordRefusal(approval, refused, REFUSALS_KEPT);
      throw ApplicationFailure.create({ type: FAILURE_TYPES.decisionRefused, message: problem, nonRetryable: true });
    }
    if (!verdict.verified) throw decisionRefused('unreachable: an unverified decision has a refusal');
    this.tracker.recordDecision(approval, {
      approver: this.matchedApprover(approval, verdict.person.identities) ?? verdict.person.id,
      decision: decision.decision,
      reason: decision.reason?.trim() || undefined,
      at: now(),
      via: 'human',
      person: verdict.person.id,
      channel: verdict.channel,
      verification: verdict.method,
      proofId: verdict.proofId,
    });
    return this.tracker.forUpdateAnswer(approval);
  }

  /**
   * Identities of the people who never decide on this gate: the run's requester, its subject, whoever its detections
   * name, and the owners of the accounts the gate's effect plan changes.
   * The worker leaves them out of the listed approvers, as people (any of their identities in its directory).
   */
  private neverDeciding(effects: ReadOnlyDeep<StepEffect[]> | undefined): string[] {
    const { requester, subject } = this.tracker.state;
    return [...new Set([requester, ...(subject ? [subject] : []), ...this.named(), ...accountsChangedBy(effects)])];
  }

  private matchedApprover(approval: ReadOnlyDeep<ApprovalState>, identities: readonly string[]): string | undefined {
    return approval.approvers.find((approver) => identities.includes(approver.toLowerCase()));
  }

  /** Why a verified (or not) decision may not count, or undefined when it counts. */
  private refusal(
    approval: ReadOnlyDeep<ApprovalState>,
    decision: ApprovalDecision,
    verdict: DecisionVerdict,
    named: readonly string[],
  ): string | undefined {
    if (!verdict.verified) return `not verified: ${verdict.problem}`;
    const { person, proofId } = verdict;
    const claimed = String(decision.approver).toLowerCase();
    const who = person.identities.includes(claimed) ? String(decision.approver) : person.id;
    const { requester, subject } = this.tracker.state;
    if (person.identities.includes(requester.toLowerCase())) {
      return `${who} requested this run and cannot approve or reject its steps`;
    }
    if (subject && person.identities.includes(subject.toLowerCase())) {
      return `${who} is the subject of this containment (${subject}) and cannot approve or reject it`;
    }
    const naming = named.find((identity) => person.identities.includes(identity.toLowerCase()));
    if (naming) return `${who} is named by the detection (${naming}) and cannot approve or reject this containment`;
    const own = accountsChangedBy(approval.effects).find((login) => person.identities.includes(login.toLowerCase()));
    if (own) return `${who}'s own account (${own}) is changed by this step and they cannot approve or reject it`;
    if (!this.matchedApprover(approval, person.identities)) {
      return `${who} is not an approver of step "${decision.stepId}"`;
    }
    const used = this.tracker.state.approvals.some(
      (candidate) =>
        candidate.decisions.some((known) => known.proofId === proofId) ||
        (candidate.refused ?? []).some((known) => known.proofId === proofId),
    );
    if (used) return 'this signed decision was already used once; decide again';
    if (approval.decisions.some((previous) => previous.person === person.id)) {
      return `${who} has already decided on step "${decision.stepId}"`;
    }
    return undefined;
  }

  /** How decisions counted before they were verified; only replays of older histories come here. */
  private decideUnverified(decision: ApprovalDecision): ApprovalState {
    const approval = this.tracker.pendingApproval(decision.stepId);
    if (!approval) throw decisionRefused(`step "${decision.stepId}" is not waiting for an approval`);
    this.tracker.recordDecision(approval, {
      approver: decision.approver,
      decision: decision.decision,
      reason: decision.reason?.trim() || undefined,
      at: now(),
      via: 'human',
    });
    return this.tracker.forUpdateAnswer(approval);
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
    shown: Record<string, unknown>,
    abandoned: () => boolean,
    effects?: StepEffect[],
  ): Promise<GateOutcome> {
    const approvers = await resolveApprovers({ ...gate.approvers, exclude: this.neverDeciding(effects) });
    const approval = this.tracker.requestApproval({
      stepId: step.id,
      action: step.action,
      impact: step.impact,
      input,
      inputsHash,
      shown,
      ...(effects ? { effects } : {}),
      approvers: approvers.filter((approver) => approver !== this.tracker.state.requester),
      required: gate.required,
      requestedAt: now(),
      deadline: new Date(Date.now() + gate.timeoutMs).toISOString(),
      escalated: false,
      decisions: [],
      status: 'pending',
    });

    const settled = () => approval.status !== 'pending' || abandoned();
    if (!(await condition(settled, gate.timeoutMs))) {
      await this.onTimeout(approval, gate, settled, step.unattended?.reason);
    }
    if (approval.status === 'pending') this.tracker.decideByTimeout(approval, 'reject', 'the run was aborted');
    const outcome = approval.status === 'approved' ? 'approved' : 'rejected';
    const waited = (Date.now() - Date.parse(approval.requestedAt)) / 1000;
    recordApprovalWait(this.tracker.state.playbook.id, outcome, waited);
    return outcome;
  }

  private async onTimeout(
    approval: ReadOnlyDeep<ApprovalState>,
    gate: PlanApproval,
    settled: () => boolean,
    unattendedReason: string | undefined,
  ): Promise<void> {
    const waited = `no decision within ${Math.round(gate.timeoutMs / 1000)}s`;
    if (gate.onTimeout === 'approve') {
      // The worker refuses a destructive gate that approves itself unless the playbook says why: record the why.
      const why = unattendedReason ? `: ${unattendedReason}` : '';
      return this.tracker.decideByTimeout(approval, 'approve', `${waited}; the playbook approves on timeout${why}`);
    }
    if (gate.onTimeout === 'reject' || !gate.escalation)
      return this.tracker.decideByTimeout(approval, 'reject', waited);

    const escalation = gate.escalation;
    const more = await resolveApprovers({ ...escalation.approvers, exclude: this.neverDeciding(approval.effects) });
    this.tracker.escalate(approval, {
      approvers: [...new Set([...approval.approvers, ...more])].filter(
        (approver) => approver !== this.tracker.state.requester,
      ),
      deadline: new Date(Date.now() + escalation.timeoutMs).toISOString(),
      channel: escalation.channel,
    });
    if (!(await condition(settled, escalation.timeoutMs))) {
      this.tracker.decideByTimeout(
        approval,
        'reject',
        `${waited}, nor within ${Math.round(escalation.timeoutMs / 1000)}s of escalation`,
      );
    }
  }
}
