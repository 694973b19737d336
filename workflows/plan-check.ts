/**
 * Checks a plan at the start of a run. The compiler already enforces all of this; the workflow checks again because
 * a plan can also arrive from elsewhere (the Temporal CLI, an old client), and the invariant that nothing destructive
 * runs unapproved must not depend on who started the run.
 */
import type { Plan, PlanStep } from '../dsl/plan';
import { invalidPlan } from './failures';

function needsTransitively(byId: Map<string, PlanStep>, from: string, target: string): boolean {
  const pending = [...(byId.get(from)?.needs ?? [])];
  const seen = new Set<string>();
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(byId.get(id)?.needs ?? []));
  }
  return false;
}

export function checkPlan(plan: Plan): void {
  if (plan.interpreter !== 1)
    throw invalidPlan(`plan is for interpreter version ${String(plan.interpreter)}, this is 1`);
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
    if (!gate?.approval?.covers?.includes(step.id) || !needsTransitively(byId, step.id, gate.id)) {
      throw invalidPlan(`step "${step.id}" runs destructive ${step.action} without an approval gate`);
    }
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
