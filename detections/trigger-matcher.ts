/**
 * Which playbooks an event starts, and with what: pure, so the receiver, `cordon detections test` and unit tests share
 * it. For each playbook, its first trigger for the event's source whose `when` holds decides: the trigger's input
 * templates are evaluated over the event and validated like any run's inputs, and the dedupe key names the run the
 * event starts or joins.
 */
import type { Indicators } from '../config/hooks';
import { ExpressionError, evaluateCondition, evaluateTemplate } from '../dsl/expressions';
import { InputError, validateRunInputs } from '../dsl/inputs';
import type { Plan, PlanTrigger } from '../dsl/plan';
import { DedupeKey, DedupeKeyError, workflowIdFor } from '../runs/workflow-id';
import type { DetectionEvent } from './detection-event';
import { errorMessage } from '../activities/error-message';

/** The event starts (or joins) a run of `plan`. */
export interface TriggerMatch {
  plan: Plan;
  /** Index of the trigger in the playbook's `triggers`. */
  trigger: number;
  /** Validated and coerced, as the run receives them. */
  inputs: Record<string, unknown>;
  /** Evaluated here, once: the trigger's template may read the event. */
  dedupeKey: DedupeKey;
  /** The run this event starts, or joins when it is running. */
  workflowId: string;
}

/** The event matched a trigger, but no valid inputs could be derived from it: nothing starts. */
export interface TriggerRefusal {
  plan: Plan;
  trigger: number;
  problems: string[];
}

/** A trigger's `when` could not be evaluated on this event (a missing field, say): it counts as not matching. */
export interface TriggerError {
  plan: Plan;
  trigger: number;
  reason: string;
}

export interface EventMatches {
  matches: TriggerMatch[];
  refusals: TriggerRefusal[];
  errors: TriggerError[];
}

type Derived = { ok: true; match: TriggerMatch } | { ok: false; problems: string[] };

function deriveInputs(trigger: PlanTrigger, scope: Record<string, unknown>): Record<string, unknown> | string[] {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, template] of Object.entries(trigger.inputs)) {
    try {
      raw[name] = evaluateTemplate(template, scope);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push(`input "${name}": ${error.message}`);
    }
  }
  return problems.length > 0 ? problems : raw;
}

function derive(plan: Plan, index: number, trigger: PlanTrigger, scope: Record<string, unknown>): Derived {
  const raw = deriveInputs(trigger, scope);
  if (Array.isArray(raw)) return { ok: false, problems: raw };
  let inputs: Record<string, unknown>;
  try {
    inputs = validateRunInputs(plan, raw);
  } catch (error) {
    if (error instanceof InputError) return { ok: false, problems: [...error.problems] };
    throw error;
  }
  const template = trigger.dedupe ?? plan.dedupe;
  let key: DedupeKey;
  if (template === undefined) {
    key = DedupeKey.ofInputs(inputs);
  } else {
    try {
      // The event is in scope as well as the inputs; the value is taken as data, so text from the event is never
      // evaluated as a template.
      key = DedupeKey.of(evaluateTemplate(template, { ...scope, inputs }));
    } catch (error) {
      if (error instanceof ExpressionError) return { ok: false, problems: [`dedupe: ${error.message}`] };
      if (error instanceof DedupeKeyError) return { ok: false, problems: ['dedupe: the key is empty for this event'] };
      throw error;
    }
  }
  return { ok: true, match: { plan, trigger: index, inputs, dedupeKey: key, workflowId: workflowIdFor(plan, key) } };
}

/** Matches one event against every loaded plan's triggers. */
export function matchEvent(plans: readonly Plan[], event: DetectionEvent, indicators: Indicators): EventMatches {
  const result: EventMatches = { matches: [], refusals: [], errors: [] };
  const scope = { event: event.payload, indicators };
  for (const plan of plans) {
    for (const [index, trigger] of (plan.triggers ?? []).entries()) {
      if (trigger.detection !== event.source) continue;
      let holds: boolean;
      try {
        holds = evaluateCondition(trigger.when, scope);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        result.errors.push({ plan, trigger: index, reason: errorMessage(error) });
        continue;
      }
      if (!holds) continue;
      const derived = derive(plan, index, trigger, scope);
      if (derived.ok) result.matches.push(derived.match);
      else result.refusals.push({ plan, trigger: index, problems: derived.problems });
      // One event starts a playbook at most once, even when several of its triggers hold.
      break;
    }
  }
  return result;
}

/** Plans that listen to a source. */
export function plansListeningTo(plans: readonly Plan[], source: string): Plan[] {
  return plans.filter((plan) => (plan.triggers ?? []).some((trigger) => trigger.detection === source));
}
