/**
 * `cordon plan`: a dry run. Steps are taken in the order their `needs` allow, as a run would take them: read actions
 * run for real (their outputs feed later steps, as in a run), and each state-changing step is resolved (its `if`, its
 * `forEach` items, its inputs) and described by its action's describer from real reads, but not executed. Approval
 * gates are assumed approved, and said so; a step whose inputs need the output of a step that was only described
 * cannot be resolved, and says which.
 */
import type { z } from 'zod';
import type { ActionContext, ActionSpec } from '../activities/action';
import type { HandlerMap } from '../activities';
import type { ActionRegistry } from '../activities/registry';
import {
  effectSchema,
  REFUSAL_FAILURE_TYPES,
  type Effect,
  type EffectMap,
  type PlannedChange,
} from '../activities/effect';
import { ActionError } from '../activities/errors';
import { conditionExpression, evaluateCondition, evaluateTemplate } from '../dsl/expressions';
import type { Plan, PlanStep } from '../dsl/plan';
import { subjectOf } from '../runs/workflow-id';
import { errorMessage } from '../activities/error-message';
import { withSharedReads } from '../activities/description-reads';

export const PLANNED_STATUSES = ['ran', 'would_run', 'skipped', 'unresolved', 'failed', 'refused'] as const;
/**
 * `ran`: a read, run for real; `would_run`: described, not executed; `unresolved`: its inputs need a described step's
 * output; `refused`: its handler would refuse it (a protected account or network, a zone that is no blocklist, …).
 */
export type PlannedStatus = (typeof PLANNED_STATUSES)[number];

export interface PlannedStep {
  id: string;
  name: string | null;
  action: string;
  impact: PlanStep['impact'];
  status: PlannedStatus;
  /** Why it is skipped, unresolved, failed or refused. */
  reason: string | null;
  /** The resolved input, or one per `forEach` item. */
  input: unknown;
  /** A read's output (it ran). */
  output: unknown;
  /** For a read that keeps evidence, what it kept. */
  note: string | null;
  /** What a state-changing step would do. */
  effect: Effect | null;
  /** Who must approve it first, or the step whose approval covers it. */
  approval: { approvers: string[]; required: number; covers: string[] } | { coveredBy: string } | null;
}

export interface EffectPlan {
  playbook: { id: string; version: string; title: string; sha256: string };
  inputs: Record<string, unknown>;
  subject: string | null;
  steps: PlannedStep[];
  /** Every write the state-changing steps would make, in step order. */
  changes: Array<PlannedChange & { stepId: string }>;
}

export interface DryRunDeps {
  registry: ActionRegistry;
  handlers: HandlerMap;
  effects: EffectMap;
  requester: string;
  log?: (line: string) => void;
}

function dryRunContext(stepId: string, log: (line: string) => void): ActionContext {
  return {
    heartbeat: () => undefined,
    signal: new AbortController().signal,
    workflowId: `dry-run/${stepId}`,
    activityId: stepId,
    attempt: 1,
    log: {
      info: (message) => log(`  ${stepId}: ${message}`),
      warn: (message) => log(`  ${stepId}: ${message}`),
    },
  };
}

function parseInput(spec: ActionSpec, input: unknown, where: string): z.output<ActionSpec['input']> {
  const parsed = spec.input.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
  throw new Error(`invalid input for ${spec.name} at ${where}: ${issues.join('; ')}`);
}

/** The order a run could take: each step after everything it needs. */
function ordered(plan: Plan): PlanStep[] {
  const done = new Set<string>();
  const order: PlanStep[] = [];
  while (order.length < plan.steps.length) {
    const next = plan.steps.find((step) => !done.has(step.id) && step.needs.every((need) => done.has(need)));
    // The linter refuses cycles; a plan that has one anyway is reported rather than looped over.
    if (!next) throw new Error(`the steps of ${plan.id} have a cycle in their needs`);
    done.add(next.id);
    order.push(next);
  }
  return order;
}

function approvalOf(step: PlanStep): PlannedStep['approval'] {
  if (step.approval) {
    const { users, groups } = step.approval.approvers;
    return {
      approvers: [...groups.map((group) => `group ${group}`), ...users],
      required: step.approval.required,
      covers: step.approval.covers ?? [],
    };
  }
  return step.coveredBy ? { coveredBy: step.coveredBy } : null;
}

/** The effect plan of a playbook; nothing is written while it is made, so each fact is read once (`withSharedReads`). */
export function planEffects(plan: Plan, inputs: Record<string, unknown>, deps: DryRunDeps): Promise<EffectPlan> {
  return withSharedReads(() => describePlan(plan, inputs, deps));
}

async function describePlan(plan: Plan, inputs: Record<string, unknown>, deps: DryRunDeps): Promise<EffectPlan> {
  const log = deps.log ?? (() => undefined);
  const results = new Map<string, PlannedStep>();
  const scope = (extra: Record<string, unknown> = {}) => ({
    inputs,
    steps: Object.fromEntries(
      [...results.values()].map((step) => [
        step.id,
        // A described step "succeeded" for what follows it, but has no output: reading one fails, and says so.
        {
          status: step.status === 'ran' || step.status === 'would_run' ? 'succeeded' : step.status,
          output: step.output,
        },
      ]),
    ),
    run: {
      workflowId: `dry-run/${plan.id}`,
      requester: deps.requester,
      subject: subjectOf(plan, inputs) ?? '',
      incidentId: '',
    },
    ...extra,
  });

  for (const step of ordered(plan)) {
    const base: PlannedStep = {
      id: step.id,
      name: step.name ?? null,
      action: step.action,
      impact: step.impact,
      status: 'skipped',
      reason: null,
      input: null,
      output: null,
      note: null,
      effect: null,
      approval: approvalOf(step),
    };
    const finish = (fields: Partial<PlannedStep>) => results.set(step.id, { ...base, ...fields });
    const blocked = step.needs
      .map((need) => results.get(need))
      .find((need) => need && need.status !== 'ran' && need.status !== 'would_run');
    if (blocked) {
      finish({ status: 'skipped', reason: `needs "${blocked.id}", which is ${blocked.status.replace('_', ' ')}` });
      continue;
    }
    const described = step.needs.filter((need) => results.get(need)?.status === 'would_run');
    let resolved: { each: boolean; inputs: unknown[] };
    try {
      if (step.if && !evaluateCondition(conditionExpression(step.if), scope())) {
        finish({ status: 'skipped', reason: `condition is false: ${step.if}` });
        continue;
      }
      if (step.forEach) {
        const items = evaluateTemplate(step.forEach.items, scope());
        if (!Array.isArray(items)) throw new Error(`forEach must give a list, got ${JSON.stringify(items)}`);
        resolved = {
          each: true,
          inputs: items.map((item, index) => evaluateTemplate(step.with, scope({ item, index }))),
        };
      } else {
        resolved = { each: false, inputs: [evaluateTemplate(step.with, scope())] };
      }
    } catch (error) {
      const why =
        described.length > 0
          ? ` (it reads the output of ${described.map((id) => `"${id}"`).join(', ')}, which a dry run does not execute)`
          : '';
      finish({ status: 'unresolved', reason: `${errorMessage(error)}${why}` });
      continue;
    }
    const input = resolved.each ? resolved.inputs : resolved.inputs[0];
    const spec = deps.registry.get(step.action);
    try {
      if (!spec) throw new Error(`no action ${step.action} on this host`);
      const parsed = resolved.inputs.map((value, index) =>
        parseInput(spec, value, resolved.each ? `${step.id}[${index}]` : step.id),
      );
      if (spec.impact === 'read') {
        const handler = deps.handlers[spec.name];
        if (!handler) throw new Error(`no handler for ${spec.name}`);
        const outputs = [];
        for (const [index, value] of parsed.entries()) {
          const context = dryRunContext(resolved.each ? `${step.id}[${index}]` : step.id, log);
          outputs.push(spec.output.parse(await handler(value, context)));
        }
        // An evidence action says what it kept (the snapshot of each account), as the audit will.
        const kept = spec.evidence ? outputs.map((output) => spec.evidence?.(output) ?? '') : [];
        finish({ status: 'ran', input, output: resolved.each ? outputs : outputs[0], note: kept.join('; ') || null });
      } else {
        const describe = deps.effects[spec.name];
        if (!describe) throw new Error(`${spec.name} cannot describe its effect`);
        finish({ status: 'would_run', input, effect: effectSchema.parse(await describe(parsed)) });
      }
    } catch (error) {
      // The describer read what the handler reads and refused as it would: the run would see this refusal.
      const refused = error instanceof ActionError && REFUSAL_FAILURE_TYPES.includes(error.type);
      finish({ status: refused ? 'refused' : 'failed', input, reason: errorMessage(error) });
    }
  }
  const steps = plan.steps.flatMap((step) => results.get(step.id) ?? []);
  return {
    playbook: { id: plan.id, version: plan.version, title: plan.title, sha256: plan.sha256 },
    inputs,
    subject: subjectOf(plan, inputs) ?? null,
    steps,
    changes: steps.flatMap((step) => (step.effect?.changes ?? []).map((change) => ({ ...change, stepId: step.id }))),
  };
}
