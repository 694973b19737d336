/**
 * Approvals from a history. Three records say who could decide, who did, when and why:
 * - the state snapshots the interpreter hands its notifier and the `decide` Update's results (the gate's state:
 *   approvers, deadline, inputs hash, decisions including those made by a timeout policy);
 * - the accepted `decide` Updates (who decided, with the server's time of acceptance and the sending client);
 * - the `cordon.resolve_approvers` calls and the gate's timers (how the approver set was resolved; whether the
 *   deadline fired).
 * Decisions the validator refused (a step not waiting, a stale hash) never reach a history. Those that reach the
 * handler and are refused there (not verified, or by someone not allowed) are in it as failed `decide` Updates: the
 * audit lists each one with why.
 */
import { parseWorkKey } from '../workflows/work-keys';
import type { ActivityCall, ApprovalDecisionEntry, AuditApproval } from './model';
import { approverListRecord, approverSetRecord, type ApprovalRecord, type PlanStepRecord } from './run-records';

export interface ApprovalSnapshot {
  eventId: number;
  approval: ApprovalRecord;
}

export interface DecideUpdate {
  updateId: string;
  acceptedEventId: number;
  acceptedAt: string;
  clientIdentity: string | null;
  stepId: string;
  decision: 'approve' | 'reject';
  approver: string;
  reason: string | null;
  /** False when the handler failed after the validator accepted (the decision did not count). */
  succeeded: boolean;
  /** Why the handler refused it. */
  failure: string | null;
  /** The proof it carried. */
  channel: 'slack' | 'cli' | 'none';
}

export interface TimerRecord {
  startedEventId: number;
  startedAt: string;
  durationMs: number;
  outcome: 'fired' | 'cancelled' | 'pending';
  endedAt: string | null;
}

export interface ApprovalSources {
  steps: readonly PlanStepRecord[];
  snapshots: readonly ApprovalSnapshot[];
  updates: readonly DecideUpdate[];
  resolveCalls: readonly ActivityCall[];
  timers: readonly TimerRecord[];
}

function iso(text: string): string {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}

function blank(step: PlanStepRecord): AuditApproval {
  return {
    stepId: step.id,
    action: step.action,
    impact: step.impact,
    status: 'pending',
    requestedAt: null,
    deadline: null,
    required: step.approval?.required ?? null,
    inputsHash: null,
    input: null,
    shown: {},
    effects: [],
    approvers: [],
    resolutions: [],
    escalated: false,
    refused: [],
    timers: [],
    decisions: [],
  };
}

const decisionKey = (entry: Pick<ApprovalDecisionEntry, 'via' | 'approver' | 'decision'>) =>
  `${entry.via}|${entry.approver}|${entry.decision}`;

function applySnapshot(target: AuditApproval, snapshot: ApprovalRecord): void {
  Object.assign(target, {
    action: snapshot.action,
    impact: snapshot.impact,
    status: snapshot.status,
    requestedAt: iso(snapshot.requestedAt),
    deadline: iso(snapshot.deadline),
    required: snapshot.required,
    inputsHash: snapshot.inputsHash,
    input: snapshot.input,
    shown: snapshot.shown,
    effects: snapshot.effects,
    approvers: snapshot.approvers,
    escalated: snapshot.escalated,
  });
  for (const decision of snapshot.decisions) {
    if (target.decisions.some((known) => decisionKey(known) === decisionKey(decision))) continue;
    target.decisions.push({
      approver: decision.approver,
      decision: decision.decision,
      reason: decision.reason ?? null,
      at: iso(decision.at),
      via: decision.via,
      updateId: null,
      eventId: null,
      clientIdentity: null,
      person: decision.person ?? null,
      channel: decision.channel ?? null,
      verification: decision.verification ?? null,
    });
  }
}

function applyUpdate(target: AuditApproval, update: DecideUpdate): void {
  const entry: ApprovalDecisionEntry = {
    approver: update.approver,
    decision: update.decision,
    reason: update.reason,
    at: update.acceptedAt,
    via: 'human',
    updateId: update.updateId,
    eventId: update.acceptedEventId,
    clientIdentity: update.clientIdentity,
    person: null,
    channel: update.channel === 'none' ? null : update.channel,
    verification: null,
  };
  const index = target.decisions.findIndex((known) => decisionKey(known) === decisionKey(entry));
  const known = target.decisions[index];
  // Keep the run's own time of the decision when it recorded one: it is on the same clock as the steps' times; and
  // who the run verified it was, and how.
  if (known)
    target.decisions[index] = {
      ...entry,
      at: known.at,
      reason: entry.reason ?? known.reason,
      person: known.person,
      channel: known.channel ?? entry.channel,
      verification: known.verification,
    };
  else target.decisions.push(entry);
}

function sameSet(a: { users: string[]; groups: string[] }, b: { users: string[]; groups: string[] }): boolean {
  const key = (set: { users: string[]; groups: string[] }) =>
    JSON.stringify([[...set.users].sort(), [...set.groups].sort()]);
  return key(a) === key(b);
}

function takeResolution(
  calls: readonly ActivityCall[],
  used: Set<number>,
  set: { users: string[]; groups: string[] },
  purpose: 'gate' | 'escalation',
): { resolution: AuditApproval['resolutions'][number]; scheduledEventId: number } | undefined {
  for (const call of calls) {
    if (used.has(call.scheduledEventId)) continue;
    const input = approverSetRecord.safeParse(call.input);
    if (!input.success || !sameSet(input.data, set)) continue;
    used.add(call.scheduledEventId);
    const output = approverListRecord.safeParse(call.output);
    const resolution = {
      purpose,
      users: input.data.users,
      groups: input.data.groups,
      resolved: output.success ? output.data : [],
      at: call.endedAt ?? call.scheduledAt,
    };
    return { resolution, scheduledEventId: call.scheduledEventId };
  }
  return undefined;
}

function takeTimer(
  timers: readonly TimerRecord[],
  used: Set<number>,
  durationMs: number,
  after: number,
  purpose: 'gate' | 'escalation',
): { timer: AuditApproval['timers'][number]; startedEventId: number } | undefined {
  const found = timers.find(
    (candidate) =>
      !used.has(candidate.startedEventId) && candidate.durationMs === durationMs && candidate.startedEventId > after,
  );
  if (!found) return undefined;
  used.add(found.startedEventId);
  const { startedAt, outcome, endedAt } = found;
  return { timer: { purpose, durationMs, startedAt, outcome, endedAt }, startedEventId: found.startedEventId };
}

/** A destructive undo's own gate is asked as step `undo:<step>` (`undo:<step>[<item>]`): the step's undo, gated. */
function undoGateStep(steps: ReadonlyMap<string, PlanStepRecord>, stepId: string): PlanStepRecord | undefined {
  const gated = parseWorkKey(stepId);
  const step = gated.undo ? steps.get(gated.stepId) : undefined;
  if (!step?.undo?.approval) return undefined;
  return { ...step, id: stepId, action: step.undo.action, impact: 'destructive', approval: step.undo.approval };
}

/** One entry per gated step that asked for approval, in the order they were asked. */
export function buildApprovals(sources: ApprovalSources, warn: (message: string) => void): AuditApproval[] {
  const steps = new Map(sources.steps.map((step) => [step.id, step]));
  const approvals = new Map<string, AuditApproval>();
  const approvalOf = (stepId: string): AuditApproval | undefined => {
    const known = approvals.get(stepId);
    if (known) return known;
    const step = steps.get(stepId) ?? undoGateStep(steps, stepId);
    if (!step) {
      warn(`an approval names step "${stepId}", which is not in the plan`);
      return undefined;
    }
    const created = blank(step);
    approvals.set(stepId, created);
    return created;
  };

  for (const snapshot of [...sources.snapshots].sort((a, b) => a.eventId - b.eventId)) {
    const target = approvalOf(snapshot.approval.stepId);
    if (target) applySnapshot(target, snapshot.approval);
  }
  for (const update of sources.updates) {
    if (!update.succeeded) {
      const target = approvalOf(update.stepId);
      target?.refused.push({
        claimed: update.approver,
        decision: update.decision,
        channel: update.channel,
        problem: update.failure ?? 'the handler failed',
        at: update.acceptedAt,
        updateId: update.updateId,
      });
      continue;
    }
    const target = approvalOf(update.stepId);
    if (target) applyUpdate(target, update);
  }

  const usedCalls = new Set<number>();
  const usedTimers = new Set<number>();
  for (const approval of approvals.values()) {
    const gate = (steps.get(approval.stepId) ?? undoGateStep(steps, approval.stepId))?.approval;
    if (!gate) continue;
    const first = takeResolution(sources.resolveCalls, usedCalls, gate.approvers, 'gate');
    if (first) approval.resolutions.push(first.resolution);
    // The deadline is a timer of exactly the gate's timeout, started after the approvers were resolved.
    const gateTimer = takeTimer(sources.timers, usedTimers, gate.timeoutMs, first?.scheduledEventId ?? 0, 'gate');
    if (gateTimer) approval.timers.push(gateTimer.timer);
    if (approval.escalated && gate.escalation) {
      const more = takeResolution(sources.resolveCalls, usedCalls, gate.escalation.approvers, 'escalation');
      if (more) approval.resolutions.push(more.resolution);
      const after = gateTimer?.startedEventId ?? 0;
      const late = takeTimer(sources.timers, usedTimers, gate.escalation.timeoutMs, after, 'escalation');
      if (late) approval.timers.push(late.timer);
    }
    approval.decisions.sort((a, b) => a.at.localeCompare(b.at));
  }
  return [...approvals.values()];
}
