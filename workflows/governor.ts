/**
 * The governor: one long-running workflow per task queue that every change under a limit asks first (an Update, so
 * the answer and the count are one step in its history). Its state lives in that history, so the counts survive any
 * worker restart; it continues as new with its state before the history grows large.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import {
  ACQUIRE_MANY_MAX,
  acquireManyUpdate,
  acquireUpdate,
  governorStateQuery,
  setLimitUpdate,
} from './governor-messages';
import {
  acquire,
  acquireProblem,
  emptyGovernorState,
  setLimit,
  setLimitProblem,
  type AcquireRequest,
  type GovernorState,
  type SetLimitRequest,
} from './governor-state';

export interface GovernorInput {
  /** The state carried over by continue-as-new. */
  state?: GovernorState;
  /** Continue as new past this many history events. @default 4000 */
  maxHistory?: number;
}

const DEFAULT_MAX_HISTORY = 4000;

function refuse(problem: string | undefined): void {
  if (problem)
    throw ApplicationFailure.nonRetryable(`the governor refuses this request: ${problem}`, FAILURE_TYPES.invalidInput);
}

export async function governor(input: GovernorInput = {}): Promise<void> {
  const state = input.state ?? emptyGovernorState();
  setHandler(acquireUpdate, (request) => acquire(state, request, Date.now()), {
    validator: (request: AcquireRequest) => refuse(acquireProblem(request)),
  });
  setHandler(acquireManyUpdate, (requests) => requests.map((request) => acquire(state, request, Date.now())), {
    validator: (requests: AcquireRequest[]) => {
      if (!Array.isArray(requests) || requests.length === 0 || requests.length > ACQUIRE_MANY_MAX)
        refuse(`acquireMany takes 1 to ${ACQUIRE_MANY_MAX} requests`);
      for (const request of requests) refuse(acquireProblem(request));
    },
  });
  setHandler(setLimitUpdate, (request) => setLimit(state, request, Date.now()), {
    validator: (request: SetLimitRequest) => refuse(setLimitProblem(request)),
  });
  setHandler(governorStateQuery, () => ({ state, now: Date.now() }));

  const maxHistory = input.maxHistory ?? DEFAULT_MAX_HISTORY;
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistory);
  // Updates accepted in this run finish here; those arriving later go to the next run.
  await condition(allHandlersFinished);
  await continueAsNew<typeof governor>({ state, maxHistory });
}
