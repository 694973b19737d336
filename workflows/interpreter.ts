/**
 * The playbook interpreter: starts each step as soon as its `needs` have succeeded (so independent steps run at once),
 * gates steps that need approval, applies the failure policy, and undoes completed steps newest first when asked to.
 */
import { ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import { hashValue } from '../dsl/canonical-json';
import { conditionExpression, evaluateCondition, evaluateTemplate } from '../dsl/expressions';
import type { Plan, PlanStep, PlanUndo } from '../dsl/plan';
import { needsTransitively } from '../dsl/step-graph';
import { callAction, CHUNK_THRESHOLD, runItems } from './action-runner';
import { activitySummary } from './activity-summary';
import { recordDetectionToContainment, recordStepEnded } from './run-metrics';
import type { ApprovalGates } from './approval-gates';
import { effectPlanOf, undoEffectPlanOf, type EffectPlanning } from './effect-request';
import { describeFailure, isCancellation } from './failures';
import {
  awaitItem,
  awaitUpstream,
  awaitWhole,
  describeIncomplete,
  itemwiseNeeds,
  type UpstreamItems,
} from './item-pipeline';
import { impactOf } from './plan-check';
import type { RunPlaybookInput } from './run-input';
import { stepEnded, type StepState, type StepStatus } from './run-state';
import type { RunTracker } from './run-tracker';
import { undoKey, workKey, type WorkRef } from './work-keys';

type Resolved = { kind: 'single'; input: unknown } | { kind: 'each'; items: unknown[]; inputs: unknown[] };

export class Interpreter {
  private readonly plan: Plan;
  private readonly outcomes = new Map<string, Promise<StepStatus>>();
  /** Steps (and items) in the order they completed: undo walks it backwards. */
  private readonly completed: WorkRef[] = [];
  /** Why no new step may start, once a failure under `abort` or `undo` happened. */
  private haltReason: string | undefined;
  private undoRequested = false;
  /** Whether the first containment write was counted (see `contained`). */
  private containedOnce = false;
  /** Hash of the approved inputs of each step covered by another step's approval. */
  private readonly approvedCovered = new Map<string, string>();

  constructor(
    private readonly input: RunPlaybookInput,
    private readonly tracker: RunTracker,
    private readonly gates: ApprovalGates,
    /** Whether needs over the same list are followed item by item (decided once per run, see item-pipeline.ts). */
    private readonly itemPipeline: boolean,
    /** Whether action activities carry a heartbeat timeout (decided once per run, see ACTION_HEARTBEAT_PATCH). */
    private readonly actionHeartbeats: boolean,
    /** How approval requests describe effects (decided once per run, see effect-request.ts). */
    private readonly effectPlanning: EffectPlanning,
  ) {
    this.plan = input.plan;
  }

  /** Runs every step to its end, then the undo if a failure asked for it. */
  async run(): Promise<void> {
    await Promise.all(this.plan.steps.map((step) => this.outcomeOf(step.id)));
    if (this.undoRequested) await this.undoCompleted();
  }

  private stepById(id: string): PlanStep {
    const step = this.plan.steps.find((candidate) => candidate.id === id);
    if (!step) throw new Error(`no step ${id}`);
    return step;
  }

  private outcomeOf(id: string): Promise<StepStatus> {
    let outcome = this.outcomes.get(id);
    if (!outcome) {
      outcome = this.runStep(this.stepById(id));
      this.outcomes.set(id, outcome);
    }
    return outcome;
  }

  private scope(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const steps = Object.fromEntries(
      this.tracker.state.steps.map((step) => [step.id, { status: step.status, output: step.output ?? null }]),
    );
    const run = {
      workflowId: workflowInfo().workflowId,
      requester: this.input.requester,
      subject: this.input.subject ?? '',
      incidentId: this.input.incidentId ?? '',
    };
    return { inputs: this.input.inputs, steps, run, ...extra };
  }

  private end(step: PlanStep, status: StepStatus, fields: Partial<StepState> = {}): StepStatus {
    this.tracker.update(step, status, fields);
    recordStepEnded(this.plan.id, step.action, status);
    return status;
  }

  /**
   * Counts the time from the detection to the first containment write (an action that is not a read, or one item of
   * it) of a run a detection started, once, when it succeeded.
   */
  private contained(step: PlanStep): void {
    const trigger = this.input.trigger;
    if (this.containedOnce || step.impact === 'read' || trigger.kind !== 'detection') return;
    if (step.forEach && !this.tracker.step(step.id).items?.some((item) => item.status === 'succeeded')) return;
    this.containedOnce = true;
    const detected = trigger.detectedAt ? Date.parse(trigger.detectedAt) : Number.NaN;
    const from = Number.isNaN(detected) ? workflowInfo().startTime.getTime() : detected;
    recordDetectionToContainment(this.plan.id, (Date.now() - from) / 1000);
  }

  private resolve(step: PlanStep): Resolved {
    if (!step.forEach) return { kind: 'single', input: evaluateTemplate(step.with, this.scope()) };
    const listed = evaluateTemplate(step.forEach.items, this.scope());
    if (!Array.isArray(listed)) {
      throw new TypeError(`forEach of step "${step.id}" must give a list, got ${JSON.stringify(listed)}`);
    }
    // A retry runs only the items the first run did not complete.
    const retried = this.input.retry ? new Set(this.input.retry.items.map((item) => hashValue(item))) : undefined;
    const items = retried ? listed.filter((item) => retried.has(hashValue(item))) : listed;
    const inputs = items.map((item, index) => evaluateTemplate(step.with, this.scope({ item, index })));
    return { kind: 'each', items, inputs };
  }

  private async runStep(step: PlanStep): Promise<StepStatus> {
    // Needs over the same list are followed item by item (see item-pipeline.ts); the others are waited for whole.
    const itemwise = itemwiseNeeds(
      this.itemPipeline,
      step,
      (id) => this.stepById(id),
      (need) => need.onFailure ?? this.plan.onFailure,
    );
    const whole = itemwise.length > 0 ? step.needs.filter((id) => !itemwise.includes(id)) : step.needs;
    for (const id of itemwise) void this.outcomeOf(id);
    const needs = await Promise.all(whole.map((id) => this.outcomeOf(id)));
    const blockedAt = needs.findIndex((status) => status !== 'succeeded');
    if (blockedAt >= 0) {
      return this.end(step, 'skipped', { reason: `needs "${whole[blockedAt]}", which ${needs[blockedAt]}` });
    }
    let upstream: UpstreamItems[] = [];
    if (itemwise.length > 0) {
      const found = await awaitUpstream(itemwise, (id) => this.tracker.step(id));
      if (found.kind === 'blocked') return this.end(step, 'skipped', { reason: found.reason });
      upstream = found.upstream;
    }
    if (this.haltReason) return this.end(step, 'skipped', { reason: this.haltReason });
    try {
      if (step.if && !evaluateCondition(conditionExpression(step.if), this.scope())) {
        return this.end(step, 'skipped', { reason: `condition is false: ${step.if}` });
      }
      // Only a plan for interpreter 2 places a covered step beside its gate; a plan for 1 takes no extra await here.
      if (step.coveredBy && !needsTransitively(this.plan.steps, step.id, step.coveredBy)) {
        const refused = await this.coveringDecision(step, step.coveredBy);
        if (refused) return this.end(step, 'skipped', { reason: refused });
        if (this.haltReason) return this.end(step, 'skipped', { reason: this.haltReason });
      }
      const resolved = this.resolve(step);
      const input = resolved.kind === 'single' ? resolved.input : resolved.inputs;
      if (step.approval) {
        this.tracker.update(step, 'waiting_approval', { input });
        const shown = evaluateTemplate(step.approval.show, this.scope({ input })) as Record<string, unknown>;
        const covered = this.resolveCovered(step);
        // With `covers`, one decision binds this step's inputs and those of the steps it covers.
        const request = covered ? { [step.id]: input, ...covered } : input;
        const effects = this.effectPlanning.steps
          ? await effectPlanOf(step, input, covered, (id) => this.stepById(id), this.effectPlanning)
          : undefined;
        const bound = effects ? { inputs: request, effects } : request;
        const outcome = await this.gates.request(
          step,
          step.approval,
          request,
          hashValue(bound),
          shown,
          () => Boolean(this.haltReason),
          effects,
        );
        if (outcome === 'approved' && covered) {
          for (const [id, value] of Object.entries(covered))
            if (value !== null) this.approvedCovered.set(id, hashValue(value));
        }
        if (outcome === 'rejected') return this.end(step, 'rejected', { reason: this.rejection(step.id) });
        if (this.haltReason) return this.end(step, 'skipped', { reason: this.haltReason });
      }
      if (step.coveredBy) this.checkCovered(step, input);
      const unattended = step.unattended ? { reason: `runs without approval: ${step.unattended.reason}` } : {};
      const covered = step.coveredBy ? { reason: `approved with step "${step.coveredBy}"` } : {};
      this.tracker.update(step, 'running', { input, ...unattended, ...covered });
      if (resolved.kind === 'single') {
        const summary = activitySummary(step.id, step.action, { subject: this.input.subject, input: resolved.input });
        const output = await callAction({
          step,
          action: step.action,
          input: resolved.input,
          activityId: step.id,
          summary,
          heartbeats: this.actionHeartbeats,
        });
        this.completed.push({ stepId: step.id });
        this.contained(step);
        return this.end(step, 'succeeded', { output });
      }
      return await this.runEach(step, resolved, upstream);
    } catch (error) {
      if (isCancellation(error)) throw error;
      const failure = describeFailure(error);
      this.failed(step);
      return this.end(step, 'failed', { error: failure });
    }
  }

  private async runEach(
    step: PlanStep,
    resolved: Extract<Resolved, { kind: 'each' }>,
    upstream: UpstreamItems[],
  ): Promise<StepStatus> {
    let gate: ((index: number) => Promise<string | undefined>) | undefined;
    if (upstream.length > 0 && resolved.items.length > CHUNK_THRESHOLD) {
      // Chunks run in child workflows, which cannot wait on this run's items: the needs are waited for whole.
      const blocked = await awaitWhole(upstream, (id) => this.tracker.step(id));
      if (blocked) return this.end(step, 'skipped', { reason: blocked });
    } else if (upstream.length > 0) {
      gate = (index) => awaitItem(upstream, index);
    }
    const items = this.tracker.startItems(step.id, resolved.items);
    const concurrency = step.forEach?.concurrency ?? 1;
    await runItems({
      step,
      inputs: resolved.inputs,
      items,
      concurrency,
      ...(this.input.subject ? { subject: this.input.subject } : {}),
      stop: () => Boolean(this.haltReason),
      record: (index, change) => {
        this.tracker.recordItem(step.id, index, change);
        this.contained(step);
      },
      ...(gate ? { gate } : {}),
      heartbeats: this.actionHeartbeats,
    });
    for (const item of items)
      if (item.status === 'succeeded') this.completed.push({ stepId: step.id, index: item.index });
    const output = items.map((item) => item.output ?? null);
    const failures = items.filter((item) => item.status === 'failed');
    // Items skipped because their item of a need did not succeed: the step did not do its job for them either.
    const held = gate ? items.filter((item) => item.status === 'skipped' && item.reason !== undefined) : [];
    if (failures.length === 0 && held.length === 0) return this.end(step, 'succeeded', { output });
    this.failed(step);
    const first = failures[0]?.error;
    const failed =
      failures.length > 0 ? `${failures.length} of ${items.length} items failed; first: ${first?.message}; ` : '';
    const heldText = held.length > 0 ? `${held.length} not run because an item they need did not succeed; ` : '';
    return this.end(step, 'failed', {
      output,
      error: {
        type: first?.type ?? 'NeedNotMet',
        message: `${failed}${heldText}not completed: ${describeIncomplete(items)}`,
      },
    });
  }

  /** The inputs of the steps a gate covers, resolved now (null for one whose condition is false). */
  private resolveCovered(step: PlanStep): Record<string, unknown> | undefined {
    const covers = step.approval?.covers ?? [];
    if (covers.length === 0) return undefined;
    const resolved: Record<string, unknown> = {};
    for (const id of covers) {
      const covered = this.stepById(id);
      if (covered.if && !evaluateCondition(conditionExpression(covered.if), this.scope())) {
        resolved[id] = null;
        continue;
      }
      const inputs = this.resolve(covered);
      resolved[id] = inputs.kind === 'single' ? inputs.input : inputs.inputs;
    }
    return resolved;
  }

  /**
   * For a covered step that starts beside its gate: waits for the gate's decision (not for its action, so the
   * lock-down's writes go out together) and says why the step may not run when its inputs were not approved: the
   * gate was rejected, skipped or failed before a decision.
   */
  private async coveringDecision(step: PlanStep, gate: string): Promise<string | undefined> {
    await condition(() => this.approvedCovered.has(step.id) || stepEnded(this.tracker.step(gate).status));
    if (this.approvedCovered.has(step.id)) return undefined;
    const ended = this.tracker.step(gate);
    const why = ended.reason ?? ended.error?.message;
    return `the approval of step "${gate}", which covers it, was not given: "${gate}" ${ended.status}${why ? ` (${why})` : ''}`;
  }

  /** A covered step runs only with exactly the inputs its gate's approvers saw. */
  private checkCovered(step: PlanStep, input: unknown): void {
    const approved = this.approvedCovered.get(step.id);
    if (approved === undefined) {
      throw ApplicationFailure.nonRetryable(
        `step "${step.id}" is covered by the approval of step "${step.coveredBy}", which did not approve it`,
        FAILURE_TYPES.notApproved,
      );
    }
    if (approved !== hashValue(input)) {
      throw ApplicationFailure.nonRetryable(
        `step "${step.id}" would run with other inputs than those approved with step "${step.coveredBy}"`,
        FAILURE_TYPES.approvalMismatch,
      );
    }
  }

  private failed(step: PlanStep): void {
    const policy = step.onFailure ?? this.plan.onFailure;
    if (policy === 'continue') return;
    this.haltReason ??= `the run stopped after step "${step.id}" failed`;
    if (policy === 'undo') this.undoRequested = true;
  }

  /** Why a step's gate rejected it: the rejecting decision of its latest approval. */
  private rejection(stepId: string): string {
    const last = this.tracker.state.approvals.filter((approval) => approval.stepId === stepId).at(-1);
    const decision = last?.decisions.find((candidate) => candidate.decision === 'reject');
    return `rejected by ${decision?.approver}: ${decision?.reason}`;
  }

  /** Undoes what completed, newest first. An undo that fails is recorded and the rest still run. */
  private async undoCompleted(): Promise<void> {
    for (const work of [...this.completed].reverse()) {
      const step = this.stepById(work.stepId);
      if (!step.undo) continue;
      const state = this.tracker.step(work.stepId);
      const { index } = work;
      const item = index === undefined ? undefined : state.items?.[index];
      const inputs: readonly unknown[] = Array.isArray(state.input) ? state.input : [];
      const input = item ? inputs[item.index] : state.input;
      const output = item ? item.output : state.output;
      const action = step.undo.action;
      try {
        const undoScope = this.scope({ input, output, item: item?.item, index });
        const undoInput = evaluateTemplate(step.undo.with, undoScope);
        const refusal = await this.approveUndo(step, step.undo, work, undoInput, undoScope);
        if (refusal) {
          const error = { type: FAILURE_TYPES.notApproved, message: refusal };
          this.tracker.recordUndo(work, { action, status: 'failed', error });
          continue;
        }
        const target = { item: item?.item, subject: this.input.subject, input: undoInput };
        const summary = activitySummary(`undo ${workKey(work)}`, action, target);
        const undoOutput = await callAction({
          step,
          action,
          input: undoInput,
          activityId: undoKey(work),
          summary,
          heartbeats: this.actionHeartbeats,
        });
        const unattended = step.undo.unattended
          ? { reason: `ran without approval: ${step.undo.unattended.reason}` }
          : {};
        this.tracker.recordUndo(work, { action, status: 'succeeded', output: undoOutput, ...unattended });
      } catch (error) {
        if (isCancellation(error)) throw error;
        this.tracker.recordUndo(work, { action, status: 'failed', error: describeFailure(error) });
      }
    }
  }

  /**
   * Waits for the undo's own approval gate, if it has one (a destructive undo must: the plan was checked), under the
   * approval id `undo:<step>` (`undo:<step>[<item>]`). Resolves to why the undo may not run, or undefined.
   */
  private async approveUndo(
    step: PlanStep,
    undo: PlanUndo,
    work: WorkRef,
    input: unknown,
    scope: Record<string, unknown>,
  ): Promise<string | undefined> {
    if (!undo.approval) return undefined;
    const gate: PlanStep = {
      ...step,
      id: undoKey(work),
      action: undo.action,
      impact: impactOf({ action: undo.action, impact: 'destructive' }),
      approval: undo.approval,
      ...(undo.unattended ? { unattended: undo.unattended } : {}),
    };
    const shown = evaluateTemplate(undo.approval.show, scope) as Record<string, unknown>;
    // As for a step: the approvers see what the undo will change, and the hash binds it with the input.
    const effects = this.effectPlanning.undos
      ? await undoEffectPlanOf(gate.id, undo.action, input, this.effectPlanning)
      : undefined;
    const bound = effects ? { inputs: input, effects } : input;
    const outcome = await this.gates.request(gate, undo.approval, input, hashValue(bound), shown, () => false, effects);
    if (outcome === 'approved') return undefined;
    return `the undo was ${this.rejection(gate.id)}`;
  }
}
