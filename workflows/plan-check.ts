/**
 * Checks a plan at the start of a run. The compiler already enforces all of this; the workflow checks again because
 * a plan can also arrive from elsewhere (the Temporal CLI, an old client), and the invariant that nothing destructive
 * runs unapproved must not depend on who started the run.
 */
import { catalogueEntry } from '../activities/catalogue';
import { hashValue } from '../dsl/canonical-json';
import { INTERPRETER_VERSIONS, type Impact, type Plan, type PlanStep } from '../dsl/plan';
import { needsTransitively } from '../dsl/step-graph';
import { invalidPlan } from './failures';

/**
 * Whether a covered step is placed where its plan's interpreter version allows: under version 1 it needs the gated
 * step (so it starts after the decision and the gated step's action); under version 2 it may start beside it (it waits
 * for the decision), but the gated step must not need it, or each would wait for the other.
 */
function coveredInPlace(plan: Plan, step: PlanStep, gate: PlanStep): boolean {
  if (plan.interpreter === 1) return needsTransitively(plan.steps, step.id, gate.id);
  return !needsTransitively(plan.steps, gate.id, step.id);
}

/**
 * A plan compiled for a later interpreter, by a newer cordon (during a rolling upgrade, `cordon serve` may be upgraded
 * before this worker). Not an ApplicationFailure: it fails the workflow task, not the run, so Temporal retries the task
 * and a newer worker takes it, instead of a containment failing because it reached an old worker first.
 */
export class NewerInterpreterRequired extends Error {
  override readonly name = 'NewerInterpreterRequired';
}

export function checkPlan(plan: Plan): void {
  if (!INTERPRETER_VERSIONS.includes(plan.interpreter)) {
    const problem = `plan is for interpreter version ${String(plan.interpreter)}; this worker runs versions ${INTERPRETER_VERSIONS.join(' and ')}`;
    if (Number.isInteger(plan.interpreter) && plan.interpreter > Math.max(...INTERPRETER_VERSIONS))
      throw new NewerInterpreterRequired(`${problem}: a newer worker will run it`);
    throw invalidPlan(problem);
  }
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) throw invalidPlan(`step "${step.id}" appears twice`);
    ids.add(step.id);
  }
  for (const step of plan.steps) {
    for (const need of step.needs) {
      if (!ids.has(need)) throw invalidPlan(`step "${step.id}" needs "${need}", which does not exist`);
    }
  }
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  for (const step of plan.steps) {
    if (step.impact !== 'destructive' || step.approval || step.unattended) continue;
    const gate = step.coveredBy ? byId.get(step.coveredBy) : undefined;
    if (!gate?.approval?.covers?.includes(step.id) || !coveredInPlace(plan, step, gate)) {
      throw invalidPlan(`step "${step.id}" runs destructive ${step.action} without an approval gate`);
    }
  }
  // Any covered step beside its gate (destructive or not) waits for the gate's decision: the gate must not wait for it.
  for (const step of plan.steps) {
    if (plan.interpreter === 2 && step.coveredBy && needsTransitively(plan.steps, step.coveredBy, step.id))
      throw invalidPlan(`step "${step.coveredBy}" needs step "${step.id}", which waits for its decision`);
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    if (done.has(id)) return;
    if (visiting.has(id)) throw invalidPlan(`steps form a cycle: ${[...path, id].join(' -> ')}`);
    visiting.add(id);
    for (const need of byId.get(id)?.needs ?? []) visit(need, [...path, id]);
    visiting.delete(id);
    done.add(id);
  };
  for (const step of plan.steps) visit(step.id, []);
}

/** The impact the worker gives a step: the catalogue's for a built-in action, whatever the plan says. */
export function impactOf(step: Pick<PlanStep, 'action' | 'impact'>): Impact {
  return catalogueEntry(step.action)?.impact ?? step.impact;
}

function selfApproving(step: PlanStep, byId: ReadonlyMap<string, PlanStep>): string | undefined {
  if (step.approval?.onTimeout !== 'approve' || step.unattended) return undefined;
  if (impactOf(step) === 'destructive') return `destructive ${step.action}`;
  const covered = (step.approval.covers ?? []).find((id) => {
    const coveredStep = byId.get(id);
    return coveredStep !== undefined && impactOf(coveredStep) === 'destructive';
  });
  return covered === undefined ? undefined : `a gate covering destructive step "${covered}"`;
}

/**
 * The gate rules, with impact from the worker's own action catalogue: a plan cannot lower an action's impact, change
 * how it runs, approve a destructive step on timeout without a stated reason, or undo destructively without approval.
 * Actions outside the built-in catalogue (a worker's extra actions) are checked by the worker's plan verification.
 */
export function checkPlanAgainstCatalogue(plan: Plan): void {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const canUndo = plan.onFailure === 'undo' || plan.steps.some((step) => step.onFailure === 'undo');
  for (const step of plan.steps) {
    const entry = catalogueEntry(step.action);
    if (entry && entry.impact !== step.impact) {
      throw invalidPlan(
        `step "${step.id}": the plan says ${step.action} is ${step.impact}, but ${step.action} is ${entry.impact}`,
      );
    }
    if (entry && hashValue(entry.workflow ?? null) !== hashValue(step.workflow ?? null)) {
      throw invalidPlan(`step "${step.id}": the plan changes how ${step.action} runs (its child workflow)`);
    }
    const nobody = selfApproving(step, byId);
    if (nobody) {
      throw invalidPlan(
        `step "${step.id}": approval.onTimeout is approve on ${nobody} without an unattended reason: nobody would decide`,
      );
    }
    const undo = step.undo;
    if (
      canUndo &&
      undo &&
      !undo.approval &&
      !undo.unattended &&
      catalogueEntry(undo.action)?.impact === 'destructive'
    ) {
      throw invalidPlan(
        `step "${step.id}": undo.action ${undo.action} is destructive and has neither an approval nor an unattended reason`,
      );
    }
    if (
      undo?.approval?.onTimeout === 'approve' &&
      !undo.unattended &&
      catalogueEntry(undo.action)?.impact === 'destructive'
    ) {
      throw invalidPlan(
        `step "${step.id}": undo.approval.onTimeout is approve on destructive ${undo.action} without an unattended reason`,
      );
    }
  }
}
