/** Shorthands for a spec's handler input and output. */
import type { z } from 'zod';
import type { ActionSpec } from '../action';

export type Input<Spec extends ActionSpec> = z.output<Spec['input']>;
export type Output<Spec extends ActionSpec> = z.input<Spec['output']>;

/** Okta returns dates as `Date`s (the SDK deserialises them); outputs carry ISO strings. */
export function isoOrNull(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : value;
}
