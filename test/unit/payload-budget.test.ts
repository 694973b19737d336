import { describe, expect, it } from 'vitest';
import { withinPayloadBudget } from '../../workflows/payload-budget';
import type { StepState } from '../../workflows/run-state';

function step(id: string, impact: StepState['impact'], outputBytes: number, items = 0): StepState {
  const output = 'x'.repeat(outputBytes);
  return {
    id,
    action: `test.${id}`,
    impact,
    status: 'succeeded',
    output: items > 0 ? Array.from({ length: items }, () => output) : output,
    ...(items > 0
      ? {
          items: Array.from({ length: items }, (_, index) => ({
            index,
            item: `u${index}`,
            status: 'succeeded' as const,
            output,
          })),
        }
      : {}),
  };
}

describe('withinPayloadBudget', () => {
  it('gives the state itself while it fits', () => {
    const state = { steps: [step('snapshot', 'read', 100, 3), step('suspend', 'destructive', 50, 3)] };
    expect(withinPayloadBudget(state, 10_000)).toBe(state);
  });

  it("leaves out the read steps' outputs first, largest first, and says where they are", () => {
    const state = {
      steps: [
        step('search', 'read', 2_000),
        step('snapshot', 'read', 1_000, 10),
        step('suspend', 'destructive', 100, 10),
      ],
    };
    const fitted = withinPayloadBudget(state, 6_000);
    const [search, snapshot, suspend] = fitted.steps;
    expect(snapshot?.output).toBeUndefined();
    expect(snapshot?.items?.map((item) => [item.item, item.status, item.output])).toEqual(
      Array.from({ length: 10 }, (_, index) => [`u${index}`, 'succeeded', undefined]),
    );
    expect(snapshot?.outputOmitted).toMatch(/^21 KB of output left out .*in the run's history \(cordon audit\)$/);
    // Enough once the largest is gone: the search and the changes keep theirs (an undo reads them).
    expect(search?.output).toBe('x'.repeat(2_000));
    expect(suspend?.items?.every((item) => item.output === 'x'.repeat(100))).toBe(true);
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(6_000);
    // The state itself is untouched.
    expect(state.steps[1]?.output).toHaveLength(10);
  });

  it("leaves out the changes' outputs too when the reads alone are not enough", () => {
    const state = { steps: [step('snapshot', 'read', 100, 2), step('suspend', 'destructive', 3_000, 2)] };
    const fitted = withinPayloadBudget(state, 2_000);
    expect(fitted.steps.map((candidate) => candidate.outputOmitted !== undefined)).toEqual([true, true]);
  });
});
