/** Failure helpers for workflow code: classify by the failure's `type`, never by `instanceof` across the sandbox. */
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import type { StepError } from './run-state';

/** Describes an error from an activity or from expression evaluation as `{ type, message }`. */
export function describeFailure(error: unknown): StepError {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: 'Error', message: String(error) };
}

export { isCancellation };

/** Bad plan or input: fails the run at once instead of retrying the workflow task forever. */
export function invalidPlan(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE_TYPES.invalidPlan);
}
