/** The parts of a step's line that read the same in the terminal and in Slack. */
import type { StepState } from '../workflows/run-state';

/** ` [3/5 items]` for a step over items, else nothing. */
export function itemsProgress(step: StepState): string {
  if (!step.items) return '';
  return ` [${step.items.filter((item) => item.status === 'succeeded').length}/${step.items.length} items]`;
}

/** What went wrong (`Type: message`), else why the step is where it is; undefined when neither is known. */
export function stepProblem(step: StepState): string | undefined {
  return step.error ? `${step.error.type}: ${step.error.message}` : step.reason;
}
