/**
 * Deterministic workflow ids: one per playbook and dedupe key, so starting the same containment twice (a second alert,
 * a double click) joins the running run instead of starting another.
 */
import { hashValue } from '../dsl/canonical-json';
import { evaluateTemplate } from '../dsl/expressions';
import type { Plan } from '../dsl/plan';

const UNSAFE = /[^A-Za-z0-9@._+-]+/g;

/** How much of a subject goes into an id: enough to recognise it in a list. */
const SUBJECT_IN_ID = 80;

function safe(text: string): string {
  return text.toLowerCase().replace(UNSAFE, '_');
}

/**
 * The dedupe key: the playbook's `dedupe` template over the inputs, else a hash of all inputs, after the run's
 * subject when the playbook has one (`twilio-okta.com-1f2e…`), so a person can tell runs apart by their ids.
 */
export function dedupeKey(plan: Plan, inputs: Record<string, unknown>, template = plan.dedupe): string {
  if (template) {
    const value = evaluateTemplate(template, { inputs });
    return safe(typeof value === 'string' ? value : JSON.stringify(value));
  }
  const hash = hashValue(inputs).slice(0, 16);
  const subject = subjectOf(plan, inputs);
  return subject ? `${safe(subject).slice(0, SUBJECT_IN_ID)}-${hash}` : hash;
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
