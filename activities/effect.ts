/**
 * What a state-changing action would do, described before it runs from real reads of the current state: "suspend 3
 * accounts: a@…, b@…, c@… (ACTIVE → SUSPENDED)". `cordon plan` prints it for every state-changing step, and an approval
 * request shows it for the steps it approves. Each action's describer sits beside its handler (one place per action),
 * and the compiler refuses an integration whose describers miss a state-changing action (`ActionEffects`).
 *
 * Sandbox-safe (zod only): the schema checks what the describe activity returns to a workflow.
 */
import { z } from 'zod';
import type { ActionSpec } from './action';
import { FAILURE_TYPES, type FailureType } from './errors';

export const plannedChangeSchema = z.object({
  /** The service written to, e.g. `okta`. */
  service: z.string(),
  /** The write as the service names it: Okta's operation id (`suspendUser`), or `report` for an abuse report. */
  operation: z.string(),
  /** What it changes: for Okta the object its change log names (a user id, `groupId/userId`, a zone id). */
  target: z.string(),
  /**
   * The person's account it changes, by login, when it changes one. Whoever owns that account never approves or
   * rejects the change (the subject of a campaign or an undo is not one person, so this names each).
   */
  account: z.string().optional(),
});

export const effectSchema = z.object({
  /** One line for people: what will change, for whom, from what to what. */
  summary: z.string(),
  /** Every write the action would make, in no particular order; empty when everything is already as wanted. */
  changes: z.array(plannedChangeSchema),
  /** What the handler would refuse of it, and why (a protected account): the rest is described in `changes`. */
  refused: z.array(z.string()).optional(),
});

export type PlannedChange = z.infer<typeof plannedChangeSchema>;
export type Effect = z.infer<typeof effectSchema>;

/** Describes the effect of one step: its resolved input, or one input per `forEach` item, read against the service. */
export type EffectDescriber<Spec extends ActionSpec> = (inputs: Array<z.output<Spec['input']>>) => Promise<Effect>;

/** A describer for every state-changing action of a list of specs (read actions run for real instead). */
export type ActionEffects<Specs extends readonly ActionSpec[]> = {
  [Spec in Specs[number] as Spec['impact'] extends 'read' ? never : Spec['name']]: EffectDescriber<Spec>;
};

/** Describers keyed by action name; the boundary validates every input with its spec first. */
export type EffectMap = Record<string, EffectDescriber<ActionSpec>>;

/** `1 account`, `3 accounts`. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** Runs `work` over items, at most `limit` at once, keeping their order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const queue = items.map((item, index) => ({ item, index }));
  const lane = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) results[job.index] = await work(job.item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** `a, b, c`, or `a, b, … and 40 more` past `max`. */
export function listed(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, … and ${names.length - max} more`;
}

/**
 * Failures by which a handler refuses a change it was asked for (a protected account or network, a block too wide, a
 * zone that is no blocklist, a cap), rather than failing to make it: a describer throws them as the handler would, and
 * a plan shows them as refused.
 */
export const REFUSAL_FAILURE_TYPES: readonly FailureType[] = [
  FAILURE_TYPES.protectedPrincipal,
  FAILURE_TYPES.protectedNetwork,
  FAILURE_TYPES.invalidInput,
  FAILURE_TYPES.limitExceeded,
];

/** An effect with what the handler would refuse of it (some items of a `forEach`) said too. */
export function withRefusals(effect: Effect, refused: readonly string[]): Effect {
  if (refused.length === 0) return effect;
  return { ...effect, summary: `${effect.summary}; refused: ${listed(refused)}`, refused: [...refused] };
}
