/**
 * Checks `approval.covers`: one decision approving a gated step and other destructive steps together. The approval
 * shows and binds the covered steps' inputs at request time, so those inputs may read only what is known then: the
 * playbook's inputs and the steps that finish before the gated one. A covered step need not need the gated one: it
 * waits for the decision, not for the gated step's action, so the lock-down's writes go out side by side.
 */
import { conditionExpression } from './expressions';
import { expressionReferences, templateExpressions } from './expressions';
import type { Playbook, PlaybookStep } from './schema';

type Report = (path: PropertyKey[], message: string, options?: { stepId?: string; at?: 'key' }) => void;

function expressionsOf(step: PlaybookStep): Array<{ field: string; expression: string }> {
  const found: Array<{ field: string; expression: string }> = [];
  const walk = (value: unknown, field: string): void => {
    if (typeof value === 'string')
      templateExpressions(value).forEach((expression) => found.push({ field, expression }));
    else if (Array.isArray(value)) value.forEach((element) => walk(element, field));
    else if (value !== null && typeof value === 'object')
      Object.values(value).forEach((element) => walk(element, field));
  };
  walk(step.with, 'with');
  if (step.forEach !== undefined) walk(step.forEach, 'forEach');
  if (step.if !== undefined) found.push({ field: 'if', expression: conditionExpression(step.if) });
  return found;
}

function stepsRead(expression: string): string[] {
  try {
    return expressionReferences(expression)
      .filter((reference) => reference[0] === 'steps' && reference[1] !== undefined)
      .map((reference) => reference[1] ?? '');
  } catch {
    return []; // A malformed expression is reported where expressions are checked.
  }
}

/**
 * Reports misuse of `covers` and returns, for each covered step, the step whose approval covers it.
 */
export function checkCovers(
  playbook: Playbook,
  finishedBefore: ReadonlyMap<string, ReadonlySet<string>>,
  report: Report,
): Map<string, string> {
  const coveredBy = new Map<string, string>();
  const indexOf = new Map(playbook.steps.map((step, index) => [step.id, index]));
  playbook.steps.forEach((gate, gateIndex) => {
    (gate.approval?.covers ?? []).forEach((id, coverIndex) => {
      const path = ['steps', gateIndex, 'approval', 'covers', coverIndex];
      const label = `step "${gate.id}": approval.covers`;
      const index = indexOf.get(id);
      const covered = index === undefined ? undefined : playbook.steps[index];
      if (!covered || index === undefined)
        return report(path, `${label}: there is no step "${id}"`, { stepId: gate.id });
      const previous = coveredBy.get(id);
      if (previous)
        return report(path, `${label}: step "${id}" is already covered by step "${previous}"`, { stepId: gate.id });
      // The gated step would wait for a step that waits for its decision.
      if (finishedBefore.get(gate.id)?.has(id)) {
        return report(path, `${label}: step "${id}" cannot be covered by "${gate.id}", which needs it`, {
          stepId: gate.id,
        });
      }
      if (covered.approval || covered.unattended) {
        return report(
          path,
          `${label}: step "${id}" has its own ${covered.approval ? 'approval' : 'unattended policy'}`,
          {
            stepId: gate.id,
          },
        );
      }
      coveredBy.set(id, gate.id);
      const known = finishedBefore.get(gate.id) ?? new Set<string>();
      for (const { field, expression } of expressionsOf(covered)) {
        for (const read of stepsRead(expression)) {
          if (!known.has(read)) {
            report(
              ['steps', index, field],
              `step "${id}": ${field} reads steps.${read}, which is not known when the approval of "${gate.id}" that covers this step is requested; read only inputs and steps that "${gate.id}" needs`,
              { stepId: id },
            );
          }
        }
      }
    });
  });
  return coveredBy;
}
