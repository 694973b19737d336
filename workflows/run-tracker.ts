/**
 * Holds a run's state (what the status Query returns) and tells notifiers about changes. Notifications go through one
 * ordered queue in the background: a slow or unreachable Slack never holds up containment or approvals, and queued
 * progress snapshots coalesce so a busy run does not flood its history. Progress is also paced (at most one report a
 * second, behind a patch): each report is an activity and a workflow task, which a run of quick steps paid on every
 * step, on its critical path (issue 11's profile). The pacing reads no clock: a progress report waits for a one-second
 * timer, so what the run does depends only on its history's events, never on the times they carry.
 */
import { CancellationScope, condition, log, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { PlanStep } from '../dsl/plan';
import type { NotificationRefs, RunEvent, RunServices } from '../activities/run-services';
import type { RunPlaybookInput } from './run-input';
import type {
  AlertRecord,
  ApprovalDecisionRecord,
  ApprovalState,
  ItemChange,
  ItemState,
  ReadOnlyDeep,
  RefusedDecisionRecord,
  RunState,
  RunStateView,
  RunStatus,
  StepState,
  StepStatus,
} from './run-state';
import { stepEnded } from './run-state';
import type { WorkRef } from './work-keys';
import { withinPayloadBudget } from './payload-budget';
import type { LimitHold } from './limit-hold-records';

const { 'cordon.notify': notify } = proxyActivities<RunServices>({
  startToCloseTimeout: '30s',
  // Keep trying through a Slack outage for a while; a run never fails because a message could not be posted.
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export function now(): string {
  return new Date().toISOString();
}

/** Runs started before progress was paced replay reporting every change. */
export const PROGRESS_PACING_PATCH = 'progress-paced';
/**
 * Runs started before the pacing left the clock out replay it by the workflow clock. That clock is the history's event
 * times, which need not equal what the live run read: such a run could fail to replay (a nondeterminism error).
 */
export const PROGRESS_PACED_BY_TIMER_PATCH = 'progress-paced-by-timer';
/** The least time between two progress reports; Slack updates a message about once a second at best anyway. */
export const PROGRESS_INTERVAL_MS = 1_000;

export class RunTracker {
  /** Changed only by the methods below, so a reader finds every change to a run's state in this file. */
  private readonly current: RunState;
  private readonly queue: RunEvent[] = [];
  private refs: NotificationRefs = {};
  private sending = false;
  /** Decided when the run starts (before its first await), so replay decides it alike. */
  private readonly paced = patched(PROGRESS_PACING_PATCH);
  private readonly pacedByTimer = patched(PROGRESS_PACED_BY_TIMER_PATCH);
  /** Workflow time of the last event queued (the clock pacing of older runs); every event carries the whole state. */
  private lastQueuedAt = Number.NEGATIVE_INFINITY;
  /** A progress report held back by the pacing, told when the interval is over unless a later event carries it. */
  private held: RunEvent | undefined;
  private holding = false;

  constructor(input: RunPlaybookInput) {
    const { plan } = input;
    this.current = {
      workflowId: workflowInfo().workflowId,
      playbook: { id: plan.id, version: plan.version, title: plan.title, sha256: plan.sha256 },
      requester: input.requester,
      trigger: input.trigger,
      subject: input.subject,
      incidentId: input.incidentId,
      inputs: input.inputs,
      status: 'running',
      startedAt: now(),
      steps: plan.steps.map((step) => ({ id: step.id, action: step.action, impact: step.impact, status: 'pending' })),
      approvals: [],
      alerts: [],
    };
  }

  /** The run's state, for reading. */
  get state(): RunStateView {
    return this.current;
  }

  /**
   * The run's state for the status Query, which the SDK serialises (nobody holds on to it), within Temporal's payload
   * limit (see payload-budget.ts).
   */
  forStatusQuery(): RunState {
    return withinPayloadBudget(this.current);
  }

  /** An approval as the decide Update answers it, which the SDK serialises: nobody holds on to it. */
  forUpdateAnswer(approval: ReadOnlyDeep<ApprovalState>): ApprovalState {
    return this.ownApproval(approval);
  }

  step(id: string): ReadOnlyDeep<StepState> {
    return this.ownStep(id);
  }

  private ownStep(id: string): StepState {
    const found = this.current.steps.find((step) => step.id === id);
    if (!found) throw new Error(`no step ${id}`);
    return found;
  }

  /** Moves a step to a new status, stamping times, and publishes the change. */
  update(step: Pick<PlanStep, 'id'>, status: StepStatus, fields: Partial<StepState> = {}): void {
    const state = this.ownStep(step.id);
    Object.assign(state, fields, { status });
    if (status === 'running' && !state.startedAt) state.startedAt = now();
    if (stepEnded(status)) state.endedAt = now();
    this.refreshStatus();
    this.publish({ kind: 'progress', state: this.current });
  }

  /** The changes the governor holds now (see governor-hold.ts), published so the progress message shows them. */
  showHolds(holds: readonly LimitHold[]): void {
    if (holds.length > 0) this.current.holds = [...holds];
    else delete this.current.holds;
    this.publish({ kind: 'progress', state: this.current });
  }

  /** Gives a `forEach` step its items, all pending; returns them as they will change. */
  startItems(stepId: string, items: readonly unknown[]): readonly ReadOnlyDeep<ItemState>[] {
    const state = this.ownStep(stepId);
    state.items = items.map((item, index) => ({ index, item, status: 'pending' }));
    return state.items;
  }

  /** Records a change to one item. Not published on its own: the step's next update carries it. */
  recordItem(stepId: string, index: number, change: ItemChange): void {
    const item = this.ownStep(stepId).items?.[index];
    if (!item) throw new Error(`no item ${index} of step ${stepId}`);
    Object.assign(item, change);
    this.refreshStatus();
  }

  /**
   * Records how the undo of a step (or of one of its items) ended. The step is undone once none of its items is still
   * in effect; a failed undo marks it undo_failed at once.
   */
  recordUndo(work: WorkRef, undo: NonNullable<StepState['undo']>): void {
    const state = this.ownStep(work.stepId);
    const item = work.index === undefined ? undefined : state.items?.[work.index];
    if (item) item.status = undo.status === 'succeeded' ? 'undone' : 'undo_failed';
    state.undo = undo;
    if (undo.status === 'failed') return this.update(state, 'undo_failed');
    if (!state.items || state.items.every((candidate) => candidate.status !== 'succeeded')) {
      this.update(state, 'undone');
    }
  }

  /** Ends whatever had not ended, and every pending approval, as the run is cancelled. */
  cancelUnfinished(): void {
    for (const state of this.current.steps) {
      if (!stepEnded(state.status)) this.update(state, 'cancelled', { reason: 'the run was cancelled' });
    }
    for (const approval of this.current.approvals) {
      if (approval.status === 'pending') approval.status = 'rejected';
    }
  }

  /**
   * Ends a run the worker refused before its first step (a plan it does not trust, a Slack request that does not
   * verify), so that a status query of the closed run says so instead of "running". State only, nothing published:
   * runs refused before this method existed replay alike.
   */
  refuse(reason: string): void {
    for (const state of this.current.steps) {
      if (!stepEnded(state.status)) Object.assign(state, { status: 'skipped', reason });
    }
    this.current.status = 'failed';
    this.current.endedAt = now();
  }

  /** Another alert about the run's subject. Detections deliver at least once: one already attached is not added twice. */
  attachAlert(alert: Omit<AlertRecord, 'at'>): void {
    const seen = this.current.alerts.some(
      (record) => alert.reference && record.reference === alert.reference && record.source === alert.source,
    );
    if (!seen) this.current.alerts.push({ ...alert, at: now() });
  }

  /** Opens an approval and publishes the request; returns it as it will change. */
  requestApproval(approval: ApprovalState): ReadOnlyDeep<ApprovalState> {
    this.current.approvals.push(approval);
    this.approvalEvent('approval_requested', approval);
    return approval;
  }

  /** The approval of a step still waiting for decisions. */
  pendingApproval(stepId: string): ReadOnlyDeep<ApprovalState> | undefined {
    return this.current.approvals.find((approval) => approval.stepId === stepId && approval.status === 'pending');
  }

  /** Counts a decision; the approval is settled by the first rejection or by enough approvals. */
  recordDecision(approval: ReadOnlyDeep<ApprovalState>, decision: ApprovalDecisionRecord): void {
    const own = this.ownApproval(approval);
    own.decisions.push(decision);
    if (own.decisions.some((candidate) => candidate.decision === 'reject')) own.status = 'rejected';
    else if (own.decisions.filter((candidate) => candidate.decision === 'approve').length >= own.required) {
      own.status = 'approved';
    }
    if (own.status !== 'pending') this.approvalEvent('approval_decided', own);
  }

  /** Settles an approval by its gate's timeout policy (or because the run stopped waiting). */
  decideByTimeout(approval: ReadOnlyDeep<ApprovalState>, decision: 'approve' | 'reject', reason: string): void {
    const own = this.ownApproval(approval);
    own.decisions.push({ approver: 'timeout', decision, reason, at: now(), via: 'timeout' });
    own.status = decision === 'approve' ? 'approved' : 'rejected';
    this.approvalEvent('approval_decided', own);
  }

  /** Says why a timeout settled an approval when that is known only afterwards (a held limit with room again). */
  explainTimeout(approval: ReadOnlyDeep<ApprovalState>, reason: string): void {
    const last = this.ownApproval(approval).decisions.at(-1);
    if (last?.via === 'timeout') last.reason = reason;
  }

  /** Keeps a refused decision for the audit: the latest `kept` of them (the history keeps every one). */
  recordRefusal(approval: ReadOnlyDeep<ApprovalState>, refused: RefusedDecisionRecord, kept: number): void {
    const own = this.ownApproval(approval);
    own.refused = [...(own.refused ?? []), refused].slice(-kept);
  }

  /** Widens an approval to its escalation approvers with a new deadline, and publishes the escalation. */
  escalate(
    approval: ReadOnlyDeep<ApprovalState>,
    escalation: { approvers: string[]; deadline: string; channel?: string },
  ): void {
    const own = this.ownApproval(approval);
    own.approvers = escalation.approvers;
    own.escalated = true;
    own.deadline = escalation.deadline;
    this.publish({ kind: 'approval_escalated', state: this.current, approval: own, channel: escalation.channel });
  }

  private ownApproval(approval: ReadOnlyDeep<ApprovalState>): ApprovalState {
    const found = this.current.approvals.find((candidate) => candidate === approval);
    if (!found) throw new Error(`the approval of step ${approval.stepId} is not one of this run`);
    return found;
  }

  private refreshStatus(): void {
    if (this.current.endedAt) return;
    this.current.status = this.current.approvals.some((approval) => approval.status === 'pending')
      ? 'waiting_approval'
      : 'running';
  }

  finish(status: RunStatus): void {
    this.current.status = status;
    this.current.endedAt = now();
    this.publish({ kind: 'run_finished', state: this.current });
  }

  private approvalEvent(kind: 'approval_requested' | 'approval_decided', approval: ApprovalState): void {
    this.refreshStatus();
    this.publish({ kind, state: this.current, approval });
  }

  private publish(event: RunEvent): void {
    if (event.kind === 'progress' && this.holdProgress(event)) return;
    this.enqueue(event);
  }

  /** Whether a progress report waits for the pacing timer; it is told when the timer fires unless a later event carries it. */
  private holdProgress(event: RunEvent): boolean {
    if (this.pacedByTimer) {
      this.held = event;
      this.tellHeldAfter(PROGRESS_INTERVAL_MS);
      return true;
    }
    if (!this.paced) return false;
    // Older runs only, so they replay as they ran: paced by the workflow clock.
    const wait = this.lastQueuedAt + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) return false;
    this.held = event;
    this.tellHeldAfter(wait);
    return true;
  }

  private enqueue(event: RunEvent): void {
    this.held = undefined;
    this.lastQueuedAt = Date.now();
    // A queued progress snapshot is superseded by any later event, which carries the newer state anyway.
    const last = this.queue.at(-1);
    if (last?.kind === 'progress') this.queue.pop();
    this.queue.push(event);
    // Notifications outlive a cancellation of the run: a cancelled run still reports how it ended.
    if (!this.sending) void CancellationScope.nonCancellable(() => this.drain());
  }

  /** One timer at a time: when it fires, the progress still held (the newest) is told. */
  private tellHeldAfter(wait: number): void {
    if (this.holding) return;
    this.holding = true;
    void CancellationScope.nonCancellable(async () => {
      await sleep(wait);
      this.holding = false;
      const held = this.held;
      if (!held) return;
      if (this.pacedByTimer) this.enqueue(held);
      else this.publish(held);
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const event = this.queue.shift();
        if (!event) break;
        try {
          // Snapshot now: the state object keeps changing while the activity is scheduled.
          this.refs = await notify({ event: compactEvent(event), refs: this.refs });
        } catch (error) {
          log.warn('notification failed; the run goes on', { kind: event.kind, error: String(error) });
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Resolves when every queued notification has been sent (or given up on). */
  async flushed(): Promise<void> {
    await condition(() => !this.sending && this.queue.length === 0);
  }
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A snapshot of the event for notifiers, taken now (the state keeps changing while the activity is scheduled). Each
 * notification is recorded in the history, so a `forEach` step over hundreds of users keeps its items' statuses but
 * not their values: the status Query has them (within its payload budget, see payload-budget.ts).
 */
export function compactEvent(event: RunEvent): RunEvent {
  // Left out before the copy, not after: a campaign's outputs (each account's snapshot) can be megabytes, and this
  // runs on the workflow thread for every notification. The keys keep their order.
  const steps = event.state.steps.map((step) => {
    if (!step.items) return step;
    const compact: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(step)) {
      if (key === 'input' || key === 'output') continue;
      compact[key] =
        key === 'items'
          ? step.items.map(({ index, status, error }) => ({ index, item: null, status, ...(error ? { error } : {}) }))
          : value;
    }
    return compact as unknown as StepState;
  });
  return structuredCloneJson({ ...event, state: { ...event.state, steps } });
}
