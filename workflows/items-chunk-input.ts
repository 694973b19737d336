/**
 * The input of a `runItemsChunk` child workflow: its own module, so that the runner that starts chunks and the chunk
 * workflow (which runs items with that runner) do not import each other.
 */
import type { PlanStep } from '../dsl/plan';

export interface ItemsChunkInput {
  step: PlanStep;
  /** The resolved inputs of this slice's items. */
  inputs: unknown[];
  /** The items themselves (for the state), and the index of the first one in the whole list. */
  items: unknown[];
  offset: number;
  concurrency: number;
}
