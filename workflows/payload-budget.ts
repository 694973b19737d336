/**
 * Keeps what a run sends as one payload (its status answer, its result) under Temporal's limit. Temporal refuses a
 * payload over 2 MB (the server's default blob limit, which the SDK enforces before sending): a run whose result is
 * larger can never close, its workflow task failing on every attempt, and a status answer that large fails the query.
 * The evidence a campaign keeps (a snapshot of every account, with its recent System Log events) passes that limit at
 * a few dozen accounts. Each output is also in the run's history, as its activity's result, where the audit reads it;
 * so past the budget, outputs are left out of the answer, evidence first, largest first, each with a note.
 *
 * Sandbox-safe and deterministic: the result is computed in the workflow, from its state alone.
 */
import type { ReadOnlyDeep, StepState } from './run-state';

type StepView = ReadOnlyDeep<StepState>;

/** Half of Temporal's 2 MB: room for the rest of the answer and for the payload's own encoding. */
export const OUTPUT_BUDGET_BYTES = 1_000_000;

function jsonSize(value: unknown): number {
  return JSON.stringify(value ?? null).length;
}

function outputSize(step: StepView): number {
  return jsonSize(step.output) + (step.items ?? []).reduce((sum, item) => sum + jsonSize(item.output), 0);
}

function withoutOutputs<T extends StepView>(step: T, size: number): T {
  const { output: _output, ...rest } = step;
  const items = step.items?.map(({ output: _itemOutput, ...item }) => item);
  const kilobytes = Math.ceil(size / 1000);
  return {
    ...rest,
    ...(items ? { items } : {}),
    outputOmitted: `${kilobytes} KB of output left out of this answer (Temporal's payload limit); each call's output is in the run's history (cordon audit)`,
  } as T;
}

/**
 * The state as it may be sent: itself while it fits `budget`; otherwise a copy whose largest outputs are left out,
 * those of read steps (evidence, searches) before those of changes (which an undo reads), until it fits.
 */
export function withinPayloadBudget<S extends { readonly steps: readonly StepView[] }>(
  state: S,
  budget = OUTPUT_BUDGET_BYTES,
): S {
  let size = jsonSize(state);
  if (size <= budget) return state;
  const steps = [...state.steps];
  const order = steps
    .map((step, index) => ({ index, read: step.impact === 'read', size: outputSize(step) }))
    .filter((candidate) => candidate.size > 4)
    .sort((a, b) => Number(b.read) - Number(a.read) || b.size - a.size || a.index - b.index);
  for (const candidate of order) {
    if (size <= budget) break;
    const step = steps[candidate.index];
    if (!step) continue;
    steps[candidate.index] = withoutOutputs(step, candidate.size);
    size -= candidate.size;
  }
  return { ...state, steps };
}
