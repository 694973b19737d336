/**
 * B5's other side: the hand-written Temporal workflow a developer would write instead of a playbook, N activities one
 * after another, each given the previous one's output. Bundled on its own by `bench/linear-steps.ts`.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface LinearStepInput {
  index: number;
  previous: number;
  holdMs: number;
}

export interface LinearActivities {
  linearStep(input: LinearStepInput): Promise<{ index: number }>;
}

const { linearStep } = proxyActivities<LinearActivities>({ startToCloseTimeout: '1 minute' });

export async function linearSteps(steps: number, holdMs: number): Promise<number> {
  let previous = -1;
  for (let index = 0; index < steps; index += 1) {
    previous = (await linearStep({ index, previous, holdMs })).index;
  }
  return previous;
}
