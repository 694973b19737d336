/** Shorthands for a spec's handler input and output, and the shapes of an `okta.*` handler and describer. */
import type okta from '@okta/okta-sdk-nodejs';
import type { z } from 'zod';
import type { ActionContext, ActionSpec } from '../action';
import type { Effect } from '../effect';

export type Input<Spec extends ActionSpec> = z.output<Spec['input']>;
export type Output<Spec extends ActionSpec> = z.input<Spec['output']>;

/** An `okta.*` handler over the injected SDK client (`handlers.ts` wires it to its action). */
export type OktaHandler<Spec extends ActionSpec> = (
  client: okta.Client,
  input: Input<Spec>,
  context: ActionContext,
) => Promise<Output<Spec>>;

/** How an `okta.*` action describes its effect on a batch of inputs, from reads (see `activities/effect.ts`). */
export type OktaDescriber<Spec extends ActionSpec> = (
  client: okta.Client,
  inputs: Array<Input<Spec>>,
) => Promise<Effect>;

/** Okta returns dates as `Date`s (the SDK deserialises them); outputs carry ISO strings. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : value;
}
