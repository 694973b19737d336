/**
 * The undo of a run as a playbook of its own, so the normal interpreter runs it, the worker checks it like any plan
 * (it recompiles this source), and audit, replay and status work unchanged. One step per step of the run that changed
 * something, newest first, each needing the one before (an undo that fails stops the older ones: reversing an older
 * change under a newer one that still stands could make a state that never existed). The first step's approval covers
 * every other, so one decision, shown every undo input and its effect plan, approves the whole undo. The values are
 * literals (a `forEach` over a CEL list literal for the items of a `forEach` step): nothing is read from the run again.
 */
import { stringify } from 'yaml';
import type { ApproverSet } from '../dsl/plan';
import type { UndoScope, UndoStepScope } from './undo-scope';

/** Thrown when the run holds a value that cannot be written into a playbook as a literal. */
export class UndoSourceError extends Error {
  override readonly name = 'UndoSourceError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A CEL string literal that cannot end or open a `${{ }}` template: braces and `$` are escaped. */
function celString(text: string): string {
  return JSON.stringify(text).replace(/[{}$]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A JSON value as a CEL literal; maps end in ` }` so that nested ones never write the template's closing `}}`. CEL
 * types a literal map's values (and a list's elements) as one type, so each is marked `dyn`: a user id and a flag can
 * share an item.
 */
export function celLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return celString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return Number.isInteger(value) ? `${value}` : `${value}`;
  if (Array.isArray(value)) return `[${value.map((element) => `dyn(${celLiteral(element)})`).join(', ')}]`;
  if (isRecord(value)) {
    return `{ ${Object.entries(value)
      .map(([key, element]) => `${celString(key)}: dyn(${celLiteral(element)})`)
      .join(', ')} }`;
  }
  throw new UndoSourceError(`cannot write a ${typeof value} into an undo playbook`);
}

/** A literal value for a playbook field, refused if a string in it would be read as a template. */
function literal(value: unknown, where: string): unknown {
  if (typeof value === 'string' && value.includes('${{')) {
    throw new UndoSourceError(`${where} holds "\${{", which a playbook would read as a template: undo it by hand`);
  }
  if (Array.isArray(value)) return value.map((element, index) => literal(element, `${where}[${index}]`));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, element]) => [key, literal(element, `${where}.${key}`)]),
    );
  }
  return value;
}

export interface UndoPlaybookOptions {
  /** The run being undone. */
  workflowId: string;
  playbookId: string;
  subject?: string;
  scope: UndoScope;
  approvers: ApproverSet;
}

export const UNDO_APPROVAL_TIMEOUT = '1h';
/** How many items of one step are undone at once. */
const UNDO_CONCURRENCY = 10;

const undoStepId = (stepId: string) => `undo_${stepId}`;

function stepOf(step: UndoStepScope, previous: string | undefined): Record<string, unknown> {
  const id = undoStepId(step.stepId);
  const base = {
    id,
    name: `Undo step "${step.stepId}" (${step.action}): ${step.undoAction}`,
    action: step.undoAction,
    ...(previous ? { needs: [previous] } : {}),
  };
  const first = step.changes[0];
  if (!step.each && first) return { ...base, with: literal(first.input, `${id}.with`) };
  const keys = [...new Set(step.changes.flatMap((change) => Object.keys(change.input)))];
  const items = step.changes.map((change, position) => literal(change.input, `${id} item ${position}`));
  return {
    ...base,
    forEach: `\${{ ${celLiteral(items)} }}`,
    concurrency: UNDO_CONCURRENCY,
    with: Object.fromEntries(keys.map((key) => [key, `\${{ item[${celString(key)}] }}`])),
  };
}

/** The YAML source of the undo playbook of a run (see the file's comment). */
export function undoPlaybookSource(options: UndoPlaybookOptions): string {
  const { scope } = options;
  const steps: Array<Record<string, unknown>> = [];
  let previous: string | undefined;
  scope.steps.forEach((step) => {
    steps.push(stepOf(step, previous));
    previous = undoStepId(step.stepId);
  });
  const [gate, ...covered] = steps;
  if (!gate) throw new UndoSourceError(`run ${options.workflowId} made no change that can be undone`);
  const show: Record<string, unknown> = {
    undoing: options.workflowId,
    changes: scope.steps.flatMap((step) => step.changes.map((change) => `${change.work}: ${change.label}`)),
    ...(scope.notRestorable.length > 0 ? { cannotBeRestored: scope.notRestorable } : {}),
  };
  gate.approval = {
    approvers: options.approvers,
    timeout: UNDO_APPROVAL_TIMEOUT,
    onTimeout: 'reject',
    show: literal(show, 'approval.show'),
    ...(covered.length > 0 ? { covers: covered.map((step) => step.id) } : {}),
  };
  const document = {
    id: `undo-${options.playbookId}`,
    version: 1,
    title: `Undo ${options.workflowId}`,
    description:
      `The undo of run ${options.workflowId}, made by cordon undo: every change the run made that can be reversed, ` +
      'newest first, each left alone if it changed since the run. Approved once, for all of them.',
    ...(options.subject ? { subject: literal(options.subject, 'subject') } : {}),
    onFailure: 'abort',
    steps,
  };
  return stringify(document, { lineWidth: 0 });
}
