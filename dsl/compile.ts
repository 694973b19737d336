/**
 * Compiles a loaded playbook to the plan the interpreter workflow runs: defaults filled, durations in milliseconds,
 * each step's impact and default undo taken from the action registry, and the source with its sha256 embedded, so the
 * run's history records exactly what ran.
 */
import { createHash } from 'node:crypto';
import type { ActionRegistry } from '../activities/registry';
import { conditionExpression } from './expressions';
import { parseDuration } from './duration';
import { loadPlaybookSource, readPlaybookFile } from './load';
import type {
  ApproverSet,
  InterpreterVersion,
  Plan,
  PlanApproval,
  PlanInput,
  PlanStep,
  PlanTrigger,
  PlanUndo,
} from './plan';
import { needsTransitively } from './step-graph';
import type { z } from 'zod';
import type { approvalSchema, Playbook, PlaybookInput, PlaybookStep, PlaybookTrigger } from './schema';

/** Thrown when a playbook that did not pass the linter is compiled (a bug in the caller, not in the playbook). */
export class CompileError extends Error {
  override readonly name = 'CompileError';
}

/** sha256 of a playbook source, hex: the identity of what ran. */
export function sourceHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

function approverSet(set: { users: string[]; groups: string[] }): ApproverSet {
  return { users: [...set.users], groups: [...set.groups] };
}

function compileApproval(approval: z.output<typeof approvalSchema>): PlanApproval {
  return {
    approvers: approverSet(approval.approvers),
    required: approval.required,
    timeoutMs: parseDuration(approval.timeout),
    onTimeout: approval.onTimeout,
    ...(approval.escalation
      ? {
          escalation: {
            approvers: approverSet(approval.escalation.approvers),
            timeoutMs: parseDuration(approval.escalation.timeout),
            ...(approval.escalation.channel !== undefined ? { channel: approval.escalation.channel } : {}),
          },
        }
      : {}),
    show: approval.show,
    ...(approval.covers.length > 0 ? { covers: [...approval.covers] } : {}),
  };
}

/** The step's own undo, else the action's default; `undo: false` disables both. */
function compileUndo(step: PlaybookStep, registry: ActionRegistry): PlanUndo | undefined {
  if (step.undo === false) return undefined;
  if (step.undo) {
    const { action, with: input, approval, unattended } = step.undo;
    return {
      action,
      with: input,
      ...(approval ? { approval: compileApproval(approval) } : {}),
      ...(unattended ? { unattended: { reason: unattended.reason } } : {}),
    };
  }
  const fallback = registry.get(step.action)?.undo;
  return fallback ? { action: fallback.action, with: { ...fallback.with } } : undefined;
}

function compileStep(step: PlaybookStep, registry: ActionRegistry, coveredBy: ReadonlyMap<string, string>): PlanStep {
  const spec = registry.get(step.action);
  if (!spec)
    throw new CompileError(`step "${step.id}": unknown action ${step.action}; load the playbook (and lint it) first`);
  const undo = compileUndo(step, registry);
  return {
    id: step.id,
    ...(step.name !== undefined ? { name: step.name } : {}),
    action: step.action,
    impact: spec.impact,
    with: step.with,
    needs: [...step.needs],
    ...(step.if !== undefined ? { if: conditionExpression(step.if) } : {}),
    ...(step.forEach !== undefined ? { forEach: { items: step.forEach, concurrency: step.concurrency } } : {}),
    timeoutMs: parseDuration(step.timeout),
    retry: {
      maximumAttempts: step.retry.maximumAttempts,
      initialIntervalMs: parseDuration(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumIntervalMs: parseDuration(step.retry.maximumInterval),
    },
    ...(step.approval ? { approval: compileApproval(step.approval) } : {}),
    ...(step.unattended ? { unattended: { reason: step.unattended.reason } } : {}),
    ...(coveredBy.has(step.id) ? { coveredBy: coveredBy.get(step.id) } : {}),
    ...(undo ? { undo } : {}),
    ...(step.onFailure !== undefined ? { onFailure: step.onFailure } : {}),
    ...(spec.workflow ? { workflow: { ...spec.workflow } } : {}),
  };
}

/** Covered step → the step whose approval covers it (the linter has checked the pairs). */
function coveredSteps(playbook: Playbook): Map<string, string> {
  return new Map(playbook.steps.flatMap((step) => (step.approval?.covers ?? []).map((id) => [id, step.id] as const)));
}

function compileInput(input: PlaybookInput): PlanInput {
  return {
    type: input.type,
    ...(input.of !== undefined ? { of: input.of } : {}),
    ...(input.values !== undefined ? { values: input.values } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    // An input with a default need not be given; one without is required unless it says otherwise.
    required: input.required ?? input.default === undefined,
    ...(input.default !== undefined ? { default: input.default } : {}),
  };
}

function compileTrigger(trigger: PlaybookTrigger): PlanTrigger {
  return {
    detection: trigger.detection,
    when: conditionExpression(trigger.when),
    inputs: trigger.inputs,
    ...(trigger.dedupe !== undefined ? { dedupe: trigger.dedupe } : {}),
  };
}

/** Version 2 only for a plan that needs it: a covered step that starts beside its gate (see INTERPRETER_VERSIONS). */
function interpreterFor(playbook: Playbook, coveredBy: ReadonlyMap<string, string>): InterpreterVersion {
  const beside = [...coveredBy].some(([id, gate]) => !needsTransitively(playbook.steps, id, gate));
  return beside ? 2 : 1;
}

/** Compiles a playbook returned by `loadPlaybookSource` (so already linted) with the source it was loaded from. */
export function compilePlaybook(playbook: Playbook, source: string, registry: ActionRegistry, file?: string): Plan {
  const coveredBy = coveredSteps(playbook);
  return {
    interpreter: interpreterFor(playbook, coveredBy),
    id: playbook.id,
    version: playbook.version,
    title: playbook.title,
    ...(playbook.description !== undefined ? { description: playbook.description } : {}),
    sha256: sourceHash(source),
    source,
    ...(file !== undefined ? { file } : {}),
    inputs: Object.fromEntries(Object.entries(playbook.inputs).map(([name, input]) => [name, compileInput(input)])),
    ...(playbook.subject !== undefined ? { subject: playbook.subject } : {}),
    ...(playbook.dedupe !== undefined ? { dedupe: playbook.dedupe } : {}),
    onFailure: playbook.onFailure,
    steps: playbook.steps.map((step) => compileStep(step, registry, coveredBy)),
    ...(playbook.triggers.length > 0 ? { triggers: playbook.triggers.map(compileTrigger) } : {}),
  };
}

/** Loads, lints and compiles a playbook file; throws a `PlaybookError` listing every issue. */
export function loadPlan(file: string, registry: ActionRegistry): Plan {
  const source = readPlaybookFile(file);
  return compilePlaybook(loadPlaybookSource(source, file, registry), source, registry, file);
}

/** Loads, lints and compiles a playbook source. */
export function compilePlaybookSource(source: string, file: string, registry: ActionRegistry): Plan {
  return compilePlaybook(loadPlaybookSource(source, file, registry), source, registry, file);
}
