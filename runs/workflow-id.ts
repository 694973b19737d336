/**
 * Deterministic workflow ids: one per playbook and dedupe key, so starting the same containment twice (a second alert,
 * a double click) joins the running run instead of starting another.
 */
import { hashValue } from '../dsl/canonical-json';
import { evaluateTemplate } from '../dsl/expressions';
import type { Plan } from '../dsl/plan';

const UNSAFE = /[^A-Za-z0-9@._+-]+/g;

/** The dedupe key: the playbook's `dedupe` template over the inputs, else a hash of all inputs. */
export function dedupeKey(plan: Plan, inputs: Record<string, unknown>, template = plan.dedupe): string {
  if (template) {
    const value = evaluateTemplate(template, { inputs });
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.toLowerCase().replace(UNSAFE, '_');
  }
  return hashValue(inputs).slice(0, 16);
}

export function workflowIdFor(plan: Plan, key: string): string {
  return `cordon/${plan.id}/${key}`;
}

/** The subject of a run (what it contains), for search and for people. */
export function subjectOf(plan: Plan, inputs: Record<string, unknown>): string | undefined {
  if (!plan.subject) return undefined;
  const value = evaluateTemplate(plan.subject, { inputs });
  return typeof value === 'string' ? value : JSON.stringify(value);
}
