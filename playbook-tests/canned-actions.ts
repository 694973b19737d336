/**
 * Handlers that answer an action from a test's canned results instead of calling a service: the first canned result
 * whose `when` matches the call's input answers it. The activity boundary still validates input and output, and the
 * workflow runs unchanged, so a canned answer exercises exactly the code a real one would.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { HandlerMap } from '../activities';
import type { ActionHandler, ActionSpec } from '../activities/action';
import { partiallyMatches } from './partial-match';
import type { TestCase } from './schema';

type Canned = NonNullable<TestCase['actions']>[string];

function cannedHandler(action: string, canned: Canned): ActionHandler<ActionSpec> {
  const answers = [canned].flat();
  return async (input) => {
    const answer = answers.find((candidate) => candidate.when === undefined || partiallyMatches(candidate.when, input));
    if (!answer) {
      throw ApplicationFailure.create({
        type: 'NoCannedAnswer',
        message: `${action}: the test has no canned answer for input ${JSON.stringify(input)}`,
        nonRetryable: true,
      });
    }
    if (answer.fail) {
      // For good: a test is about what the run does after a failure, not about waiting out retries.
      throw ApplicationFailure.create({
        type: answer.fail.type,
        message: `${action}: ${answer.fail.message}`,
        nonRetryable: true,
      });
    }
    return answer.output;
  };
}

/** One handler per action the case cans. */
export function cannedHandlers(actions: TestCase['actions']): HandlerMap {
  return Object.fromEntries(
    Object.entries(actions ?? {}).map(([action, canned]) => [action, cannedHandler(action, canned)]),
  );
}
