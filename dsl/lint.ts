/**
 * Whole-document checks that the schema cannot express: actions and their inputs against the registry, step ids and
 * `needs`, expressions and the names they read, and the approval rules (nothing destructive runs unapproved unless
 * the playbook states why). Every issue carries the line and column of the text to fix.
 */
import type { ActionRegistry } from '../activities/registry';
import {
  checkExpression,
  checkTemplateString,
  templateStrings,
  type ExpressionProblem,
  type ExpressionScope,
} from './check-expressions';
import { conditionExpression, wholeTemplate } from './expressions';
import type { PlaybookIssue } from './errors';
import { checkFields, unknownAction } from './check-fields';
import { checkCovers } from './check-covers';
import { checkRestrictedInputs } from './check-enum-inputs';
import { coerceInput } from './inputs';
import { formatPath } from './schema-issues';
import type { Playbook, PlaybookStep } from './schema';
import type { LocateOptions, SourceMap } from './source-map';
import { dependencyCycles, transitiveNeeds } from './step-graph';
import { didYouMean } from './suggest';

export interface LintOptions {
  /** Paths such as `steps.2` whose content failed the schema: their ids count, their content is not checked. */
  skip?: ReadonlySet<string>;
}

type Path = PropertyKey[];

/** Reports an issue at a path; the message already names where it is (`step "x": with.userId: ...`). */
type ReportOptions = LocateOptions & { stepId?: string };
type Report = (path: Path, message: string, options?: ReportOptions) => void;

interface Context {
  playbook: Playbook;
  map: SourceMap;
  registry: ActionRegistry;
  report: Report;
  skip: ReadonlySet<string>;
  inputs: ReadonlySet<string>;
  stepIds: ReadonlySet<string>;
  finishedBefore: Map<string, Set<string>>;
  /** Covered step → the step whose approval covers it. */
  coveredBy: Map<string, string>;
  /** Whether a failure can make the run undo what it did (`onFailure: undo` on the playbook or a step). */
  canUndo: boolean;
}

/** Reports the problems of the templates inside a value (`with`, `approval.show`, ...), each at its own node. */
function checkTemplates(value: unknown, path: Path, label: string, scope: ExpressionScope, report: Report): void {
  // Inside a step or trigger the label names it, so the path shown starts below it (`with.userId`).
  const shown = path[0] === 'steps' || path[0] === 'triggers' ? path.slice(2) : path;
  for (const { text, path: below } of templateStrings(value)) {
    const where = [label, formatPath([...shown, ...below])].filter(Boolean).join(': ');
    for (const problem of checkTemplateString(text, scope)) {
      report([...path, ...below], `${where}: ${problem.message}`, { find: problem.find });
    }
  }
}

function reportExpression(problems: ExpressionProblem[], path: Path, label: string, report: Report): void {
  for (const problem of problems) report(path, `${label}: ${problem.message}`, { find: problem.find });
}

function stepScope(context: Context, step: PlaybookStep, extra: readonly string[], self = false): ExpressionScope {
  const finished = new Set(context.finishedBefore.get(step.id));
  if (self) finished.add(step.id);
  return {
    roots: ['inputs', 'steps', 'run', ...extra],
    inputs: context.inputs,
    steps: { all: context.stepIds, finished, self: step.id },
  };
}

function lintApproval(step: PlaybookStep, path: Path, label: string, scope: ExpressionScope, report: Report): void {
  const { approval } = step;
  if (!approval) return;
  if (approval.onTimeout === 'escalate' && !approval.escalation) {
    report(
      [...path, 'approval', 'onTimeout'],
      `${label}: approval.onTimeout is escalate, but approval.escalation names no one`,
    );
  }
  if (approval.escalation && approval.onTimeout !== 'escalate') {
    report([...path, 'approval', 'escalation'], `${label}: approval.escalation is used only with onTimeout: escalate`, {
      at: 'key',
    });
  }
  const { users, groups } = approval.approvers;
  if (groups.length === 0 && approval.required > users.length) {
    report(
      [...path, 'approval', 'required'],
      `${label}: approval.required is ${approval.required}, but only ${users.length} approver(s) are named and no groups`,
    );
  }
  checkTemplates(approval.show, [...path, 'approval', 'show'], label, scope, report);
}

function lintStep(step: PlaybookStep, index: number, context: Context): void {
  const { registry, report: reportAt } = context;
  const path: Path = ['steps', index];
  const label = `step "${step.id}"`;
  const report: Report = (at, message, options) => reportAt(at, message, { ...options, stepId: step.id });
  const itemRoots = step.forEach !== undefined ? ['item', 'index'] : [];

  const spec = registry.get(step.action);
  if (!spec) report([...path, 'action'], `${label}: ${unknownAction(step.action, registry)}`);
  else {
    checkFields(step.with, spec, [...path, 'with'], label, report);
    checkRestrictedInputs(step.with, spec, context.playbook.inputs, [...path, 'with'], label, report);
    if (spec.impact === 'destructive' && !step.approval && !step.unattended && !context.coveredBy.has(step.id)) {
      report(
        [...path, 'action'],
        `${label}: ${spec.name} is destructive and needs an approval gate (or an explicit unattended policy)`,
      );
    }
  }
  lintSelfApproval(step, path, label, context, report);

  step.needs.forEach((need, needIndex) => {
    if (!context.stepIds.has(need)) {
      const hint = didYouMean(
        need,
        [...context.stepIds].filter((id) => id !== step.id),
      );
      report([...path, 'needs', needIndex], `${label}: needs "${need}", but there is no such step${hint}`);
    }
  });

  const scope = stepScope(context, step, itemRoots);
  checkTemplates(step.with, [...path, 'with'], label, scope, report);
  if (step.if !== undefined) {
    const expression = conditionExpression(step.if);
    if (expression.includes('${{')) {
      report([...path, 'if'], `${label}: if is a CEL condition: write it bare, or as a single \${{ expression }}`);
    } else {
      reportExpression(
        checkExpression(expression, stepScope(context, step, [])),
        [...path, 'if'],
        `${label}: if`,
        report,
      );
    }
  }
  if (step.forEach !== undefined) {
    const expression = wholeTemplate(step.forEach);
    if (expression === undefined) {
      report([...path, 'forEach'], `${label}: forEach must be a single \${{ expression }} that yields a list`);
    } else {
      const problems = checkExpression(expression, stepScope(context, step, []));
      reportExpression(problems, [...path, 'forEach'], `${label}: forEach`, report);
    }
  }
  lintApproval(step, path, label, stepScope(context, step, ['input']), report);

  if (step.undo) {
    const undoSpec = registry.get(step.undo.action);
    if (!undoSpec)
      report([...path, 'undo', 'action'], `${label}: undo.action: ${unknownAction(step.undo.action, registry)}`);
    else checkFields(step.undo.with, undoSpec, [...path, 'undo', 'with'], label, report);
    const undoScope = stepScope(context, step, ['input', 'output', ...itemRoots], true);
    checkTemplates(step.undo.with, [...path, 'undo', 'with'], label, undoScope, report);
    if (step.undo.approval) {
      const undoStep = { ...step, approval: step.undo.approval };
      lintApproval(undoStep, [...path, 'undo'], `${label}: undo`, undoScope, report);
    }
  }
  if (context.canUndo) lintDestructiveUndo(step, path, label, context, report);
}

/**
 * `onTimeout: approve` lets a gate approve itself when nobody answers: on a destructive step (or a gate covering one)
 * that is approval by nobody, allowed only when the playbook states why in `unattended`. Otherwise a step has an
 * approval gate or an unattended policy, not both.
 */
function lintSelfApproval(step: PlaybookStep, path: Path, label: string, context: Context, report: Report): void {
  const { approval, unattended } = step;
  if (!approval) return;
  const selfApproving = approval.onTimeout === 'approve';
  if (unattended && !selfApproving) {
    report([...path, 'unattended'], `${label}: has both an approval gate and an unattended policy; keep one`, {
      at: 'key',
    });
  }
  if (!selfApproving || unattended) return;
  const fix = 'nobody would decide; state why with unattended: { reason: ... } or use reject or escalate';
  if (context.registry.get(step.action)?.impact === 'destructive') {
    report(
      [...path, 'approval', 'onTimeout'],
      `${label}: approval.onTimeout is approve on destructive ${step.action}: ${fix}`,
    );
    return;
  }
  const covered = approval.covers.find((id) => {
    const coveredStep = context.playbook.steps.find((candidate) => candidate.id === id);
    return coveredStep && context.registry.get(coveredStep.action)?.impact === 'destructive';
  });
  if (covered !== undefined) {
    report(
      [...path, 'approval', 'onTimeout'],
      `${label}: approval.onTimeout is approve on a gate covering destructive step "${covered}": ${fix}`,
    );
  }
}

/** An undo that is itself destructive needs its own approval, or a stated reason: undo runs after a failure, unasked. */
function lintDestructiveUndo(step: PlaybookStep, path: Path, label: string, context: Context, report: Report): void {
  const { registry } = context;
  if (step.undo === false) return;
  if (step.undo) {
    const { action, approval, unattended } = step.undo;
    if (registry.get(action)?.impact !== 'destructive') return;
    if (!approval && !unattended) {
      report(
        [...path, 'undo', 'action'],
        `${label}: undo.action ${action} is destructive and needs its own approval (undo.approval) or an unattended reason (undo.unattended)`,
      );
    } else if (approval && unattended && approval.onTimeout !== 'approve') {
      report(
        [...path, 'undo', 'unattended'],
        `${label}: undo has both an approval gate and an unattended policy; keep one`,
        {
          at: 'key',
        },
      );
    } else if (approval?.onTimeout === 'approve' && !unattended) {
      report(
        [...path, 'undo', 'approval', 'onTimeout'],
        `${label}: undo.approval.onTimeout is approve on destructive ${action}: nobody would decide; state why with undo.unattended: { reason: ... } or use reject or escalate`,
      );
    }
    return;
  }
  const fallback = registry.get(step.action)?.undo;
  if (fallback && registry.get(fallback.action)?.impact === 'destructive') {
    report(
      [...path, 'action'],
      `${label}: its default undo ${fallback.action} is destructive and needs its own approval: write undo: { action: ${fallback.action}, with: ..., approval: ... } (or unattended), or undo: false`,
    );
  }
}

function lintInputs(context: Context): void {
  for (const [name, input] of Object.entries(context.playbook.inputs)) {
    const path = ['inputs', name];
    if (input.of !== undefined && input.type !== 'list') {
      context.report([...path, 'of'], `input "${name}": of is only for type list`, { at: 'key' });
    }
    const isEnum = input.type === 'enum' || (input.type === 'list' && input.of === 'enum');
    if (isEnum && input.values === undefined) {
      context.report(path, `input "${name}": an enum needs values: [...]`, { at: 'key' });
    }
    if (!isEnum && input.values !== undefined) {
      context.report([...path, 'values'], `input "${name}": values is only for type enum or of: enum`, { at: 'key' });
    }
    if (input.default !== undefined && (!isEnum || input.values !== undefined)) {
      const result = coerceInput(input, input.default);
      if (!result.ok) context.report([...path, 'default'], `input "${name}": default ${result.problem}`);
    }
  }
}

function lintTriggers(context: Context): void {
  const { playbook, report } = context;
  const triggerScope: ExpressionScope = { roots: ['event', 'indicators'], inputs: context.inputs };
  playbook.triggers.forEach((trigger, index) => {
    const path = ['triggers', index];
    if (context.skip.has(`triggers.${index}`)) return;
    const label = `trigger ${index + 1}`;
    const when = conditionExpression(trigger.when);
    reportExpression(checkExpression(when, triggerScope), [...path, 'when'], `${label}: when`, report);
    for (const name of Object.keys(trigger.inputs)) {
      if (!context.inputs.has(name)) {
        const hint = didYouMean(name, context.inputs);
        report([...path, 'inputs', name], `${label}: inputs.${name}: the playbook has no such input${hint}`, {
          at: 'key',
        });
      }
    }
    for (const [name, input] of Object.entries(playbook.inputs)) {
      const required = input.required ?? input.default === undefined;
      if (required && !Object.hasOwn(trigger.inputs, name)) {
        report([...path, 'inputs'], `${label}: does not set the required input "${name}"`, { at: 'key' });
      }
    }
    checkTemplates(trigger.inputs, [...path, 'inputs'], label, triggerScope, report);
    if (trigger.dedupe !== undefined) {
      const scope = { ...triggerScope, roots: ['inputs', 'event', 'indicators'] };
      checkTemplates(trigger.dedupe, [...path, 'dedupe'], label, scope, report);
    }
  });
}

function lintGraph(context: Context): void {
  const { playbook, report } = context;
  const firstIndex = new Map<string, number>();
  playbook.steps.forEach((step, index) => {
    const first = firstIndex.get(step.id);
    if (first === undefined) firstIndex.set(step.id, index);
    else if (!context.skip.has(`steps.${index}`)) {
      const { line } = context.map.locate(['steps', first, 'id']);
      report(['steps', index, 'id'], `step "${step.id}": duplicate step id (first used on line ${line})`, {
        stepId: step.id,
      });
    }
  });
  for (const cycle of dependencyCycles(playbook.steps)) {
    const id = cycle.ids[0] ?? '';
    report(
      ['steps', cycle.stepIndex, 'needs', cycle.needIndex],
      `step "${id}": dependency cycle ${cycle.ids.join(' -> ')}`,
      {
        stepId: id,
      },
    );
  }
}

/** Every lint issue of a schema-valid playbook, in document order. */
export function lintPlaybook(
  playbook: Playbook,
  registry: ActionRegistry,
  map: SourceMap,
  options: LintOptions = {},
): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const report: Report = (path, message, located = {}) => {
    const { line, column } = map.locate(path, located);
    issues.push({
      file: map.file,
      line,
      column,
      message,
      ...(located.stepId !== undefined ? { stepId: located.stepId } : {}),
    });
  };
  const context: Context = {
    playbook,
    map,
    registry,
    report,
    skip: options.skip ?? new Set(),
    inputs: new Set(Object.keys(playbook.inputs)),
    stepIds: new Set(playbook.steps.map((step) => step.id)),
    finishedBefore: transitiveNeeds(playbook.steps),
    coveredBy: new Map(),
    canUndo: playbook.onFailure === 'undo' || playbook.steps.some((step) => step.onFailure === 'undo'),
  };
  context.coveredBy = checkCovers(playbook, context.finishedBefore, report);
  lintInputs(context);
  const runScope: ExpressionScope = { roots: ['inputs'], inputs: context.inputs };
  if (playbook.subject !== undefined) checkTemplates(playbook.subject, ['subject'], '', runScope, report);
  if (playbook.dedupe !== undefined) checkTemplates(playbook.dedupe, ['dedupe'], '', runScope, report);
  lintTriggers(context);
  lintGraph(context);
  playbook.steps.forEach((step, index) => {
    if (!context.skip.has(`steps.${index}`)) lintStep(step, index, context);
  });
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}
