/**
 * Holds a run's state (what the status Query returns) and tells notifiers about changes. Notifications go through one
 * ordered queue in the background: a slow or unreachable Slack never holds up containment or approvals, and queued
 * progress snapshots coalesce so a busy run does not flood its history. Progress is also paced (at most one report a
 * second, behind a patch): each report is an activity and a workflow task, which a run of quick steps paid on every
 * step, on its critical path (issue 11's profile).
 */
import { CancellationScope, condition, log, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { PlanStep } from '../dsl/plan';
import type { NotificationRefs, RunEvent, RunServices } from '../activities/run-services';
import type { RunPlaybookInput } from './run-input';
import type { ApprovalState, RunState, RunStatus, StepState, StepStatus } from './run-state';

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
/** The least time between two progress reports; Slack updates a message about once a second at best anyway. */
export const PROGRESS_INTERVAL_MS = 1_000;

export class RunTracker {
  readonly state: RunState;
  private readonly queue: RunEvent[] = [];
  private refs: NotificationRefs = {};
  private sending = false;
  /** Decided when the run starts (before its first await), so replay decides it alike. */
  private readonly paced = patched(PROGRESS_PACING_PATCH);
  /** Workflow time of the last event queued; every event carries the whole state. */
  private lastQueuedAt = Number.NEGATIVE_INFINITY;
  /** A progress report held back by the pacing, told when the interval is over unless a later event carries it. */
  private held: RunEvent | undefined;
  private holding = false;

  constructor(input: RunPlaybookInput) {
    const { plan } = input;
    this.state = {
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
      evidence: [],
    };
  }

  step(id: string): StepState {
    const found = this.state.steps.find((step) => step.id === id);
    if (!found) throw new Error(`no step ${id}`);
    return found;
  }

  /** Moves a step to a new status, stamping times, and publishes the change. */
  update(step: PlanStep, status: StepStatus, fields: Partial<StepState> = {}): void {
    const state = this.step(step.id);
    Object.assign(state, fields, { status });
    if (status === 'running' && !state.startedAt) state.startedAt = now();
    if (!['pending', 'running', 'waiting_approval'].includes(status)) state.endedAt = now();
    this.refreshStatus();
    this.publish({ kind: 'progress', state: this.state });
  }

  refreshStatus(): void {
    if (this.state.endedAt) return;
    this.state.status = this.state.approvals.some((approval) => approval.status === 'pending')
      ? 'waiting_approval'
      : 'running';
  }

  finish(status: RunStatus): void {
    this.state.status = status;
    this.state.endedAt = now();
    this.publish({ kind: 'run_finished', state: this.state });
  }

  approvalEvent(kind: 'approval_requested' | 'approval_decided', approval: ApprovalState): void {
    this.refreshStatus();
    this.publish({ kind, state: this.state, approval });
  }

  escalated(approval: ApprovalState, channel?: string): void {
    this.publish({ kind: 'approval_escalated', state: this.state, approval, channel });
  }

  private publish(event: RunEvent): void {
    if (this.paced && event.kind === 'progress') {
      const wait = this.lastQueuedAt + PROGRESS_INTERVAL_MS - Date.now();
      if (wait > 0) {
        this.held = event;
        this.tellHeldAfter(wait);
        return;
      }
    }
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
      if (held) this.publish(held);
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
 * not their values: the status Query still has everything.
 */
export function compactEvent(event: RunEvent): RunEvent {
  const copy = structuredCloneJson(event);
  for (const step of copy.state.steps) {
    if (!step.items) continue;
    step.items = step.items.map(({ index, status, error }) => ({
      index,
      item: null,
      status,
      ...(error ? { error } : {}),
    }));
    delete step.input;
    delete step.output;
  }
  return copy;
}
