/**
 * What undoing a finished run means: every change it made that its action (or its playbook) knows how to reverse,
 * newest first, each with the undo's input resolved from what the change was given and gave; and, said apart, what
 * cannot be restored (sessions revoked, factors reset), what changed nothing, and what the run already undid itself.
 * Pure: read from the run's plan and state, so it is tested without a server.
 */
import { evaluateTemplate } from '../dsl/expressions';
import type { Plan, PlanStep } from '../dsl/plan';
import type { ItemState, RunState, StepState } from '../workflows/run-state';

/** One change to reverse: the undo action's input, and a line saying what it reverses. */
export interface UndoChange {
  /** The run's step (and item) that made the change: `suspend`, `suspend[3]`. */
  work: string;
  label: string;
  input: Record<string, unknown>;
}

/** The changes of one step of the run, reversed by one step of the undo. */
export interface UndoStepScope {
  stepId: string;
  action: string;
  undoAction: string;
  /** Whether the step was a `forEach` (its undo is one too, over its changed items, newest first). */
  each: boolean;
  changes: UndoChange[];
}

export interface UndoScope {
  /** Newest first: the step that ended last is undone first. */
  steps: UndoStepScope[];
  /** Changes no undo can reverse, each said in one line. */
  notRestorable: string[];
  /** Work that reported `changed: false`: there is nothing to reverse. */
  unchanged: string[];
  /** Changes the run undid itself (its failure policy `undo`). */
  alreadyUndone: string[];
}

/** Statuses of a step or item whose change may still stand (an undo that failed left it in place). */
const CHANGED = new Set(['succeeded', 'undo_failed']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Logins by Okta user id, from whatever the run read (a snapshot, a search, a lookup): a change addressed by id (a
 * campaign's items) is then named by its login, as a person knows it.
 */
function loginsIn(state: RunState): Map<string, string> {
  const logins = new Map<string, string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isRecord(value)) return;
    const id = typeof value.userId === 'string' ? value.userId : value.id;
    if (typeof id === 'string' && typeof value.login === 'string' && value.login !== '') logins.set(id, value.login);
    Object.values(value).forEach(walk);
  };
  for (const step of state.steps) {
    walk(step.output);
    step.items?.forEach((item) => walk(item.output));
  }
  return logins;
}

/** Who or what a change touched, for a person: a login, a user id, a zone, or the item itself. */
function targetOf(input: unknown, output: unknown, item: unknown, logins: ReadonlyMap<string, string>): string {
  for (const source of [output, input]) {
    if (!isRecord(source)) continue;
    for (const key of ['login', 'userId', 'zoneName', 'zone', 'domain']) {
      const value = source[key];
      if (typeof value === 'string' && value !== '') return logins.get(value) ?? value;
    }
  }
  if (typeof item === 'string') return logins.get(item) ?? item;
  return item === undefined ? '' : JSON.stringify(item);
}

interface Work {
  ref: string;
  input: unknown;
  output: unknown;
  item?: unknown;
  index?: number;
}

/** The step's changes that may still stand, newest first (items in reverse order of their index). */
function worksOf(step: StepState): { works: Work[]; undone: string[] } {
  const inputs: readonly unknown[] = Array.isArray(step.input) ? step.input : [];
  if (!step.items) {
    if (step.status === 'undone') return { works: [], undone: [step.id] };
    const works = CHANGED.has(step.status) ? [{ ref: step.id, input: step.input, output: step.output }] : [];
    return { works, undone: [] };
  }
  const items: ItemState[] = [...step.items].reverse();
  return {
    works: items
      .filter((item) => CHANGED.has(item.status))
      .map((item) => ({
        ref: `${step.id}[${item.index}]`,
        input: inputs[item.index],
        output: item.output,
        item: item.item,
        index: item.index,
      })),
    undone: items.filter((item) => item.status === 'undone').map((item) => `${step.id}[${item.index}]`),
  };
}

/** The order the run's steps ended in, newest first; steps that ended together keep the reverse of the plan's order. */
function newestFirst(plan: Plan, state: RunState): StepState[] {
  const order = new Map(plan.steps.map((step, index) => [step.id, index]));
  return [...state.steps].sort(
    (a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? '') || (order.get(b.id) ?? 0) - (order.get(a.id) ?? 0),
  );
}

export function undoScope(plan: Plan, state: RunState): UndoScope {
  const scope: UndoScope = { steps: [], notRestorable: [], unchanged: [], alreadyUndone: [] };
  const stepsInScope = Object.fromEntries(
    state.steps.map((step) => [step.id, { status: step.status, output: step.output ?? null }]),
  );
  const logins = loginsIn(state);
  const run = {
    workflowId: state.workflowId,
    requester: state.requester,
    subject: state.subject ?? '',
    incidentId: state.incidentId ?? '',
  };
  for (const step of newestFirst(plan, state)) {
    const planStep: PlanStep | undefined = plan.steps.find((candidate) => candidate.id === step.id);
    if (!planStep || planStep.impact === 'read') continue;
    const { works, undone } = worksOf(step);
    scope.alreadyUndone.push(...undone.map((ref) => `${ref}: ${step.action}, undone by the run itself`));
    const changes: UndoChange[] = [];
    for (const work of works) {
      const target = targetOf(work.input, work.output, work.item, logins);
      const line = `${work.ref}: ${step.action}${target ? ` of ${target}` : ''}`;
      // Every state-changing action says `changed: false` when its target already was as asked: nothing to reverse.
      if (isRecord(work.output) && work.output.changed === false) {
        scope.unchanged.push(`${line}, which changed nothing`);
        continue;
      }
      if (!planStep.undo) {
        scope.notRestorable.push(`${line} cannot be undone (no undo action)`);
        continue;
      }
      const input = evaluateTemplate(planStep.undo.with, {
        inputs: state.inputs,
        steps: stepsInScope,
        run,
        input: work.input,
        output: work.output ?? null,
        item: work.item ?? null,
        index: work.index ?? null,
      });
      if (!isRecord(input)) throw new TypeError(`the undo of ${work.ref} did not resolve to an object`);
      changes.push({ work: work.ref, label: `${planStep.undo.action} of ${target || work.ref}`, input });
    }
    if (changes.length === 0 || !planStep.undo) continue;
    scope.steps.push({
      stepId: step.id,
      action: step.action,
      undoAction: planStep.undo.action,
      each: step.items !== undefined,
      changes,
    });
  }
  return scope;
}
