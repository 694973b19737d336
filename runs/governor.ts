/**
 * Asking and steering the governor of a task queue: a `governor` workflow with a fixed id per task queue, started by
 * the first question (Update-with-start), so no deployment step is needed and no worker restart loses a count.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { causeMessages } from '../activities/error-message';
import type { governor } from '../workflows/governor';
import {
  ACQUIRE_MANY_MAX,
  acquireManyUpdate,
  acquireUpdate,
  governorStateQuery,
  setLimitUpdate,
} from '../workflows/governor-messages';
import type {
  AcquireAnswer,
  AcquireRequest,
  Adjustment,
  GovernorState,
  SetLimitRequest,
} from '../workflows/governor-state';

export function governorId(taskQueue: string): string {
  return `cordon-governor/${taskQueue}`;
}

function startOperation(taskQueue: string): WithStartWorkflowOperation<typeof governor> {
  return new WithStartWorkflowOperation<typeof governor>('governor', {
    workflowId: governorId(taskQueue),
    taskQueue,
    args: [{}],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** How long a question keeps trying a governor that is busy (at its Updates in flight, or continuing as new). */
const BUSY_PATIENCE_MS = 60_000;

/** The server's refusals that mean "ask again shortly": a limit of Updates in flight, or an Update cut by continue-as-new. */
export function governorBusy(error: unknown): boolean {
  return causeMessages(error).some((message) =>
    /concurrent in-flight updates|update was aborted|Workflow Task in failed state/i.test(message),
  );
}

async function patiently<T>(ask: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_PATIENCE_MS;
  for (let pauseMs = 20; ; pauseMs = Math.min(pauseMs * 2, 1_000)) {
    try {
      return await ask();
    } catch (error) {
      if (!governorBusy(error) || Date.now() > deadline) throw error;
      // Jittered, so the lanes a refusal turned away do not come back together.
      await sleep(pauseMs * (0.5 + Math.random()));
    }
  }
}

/** Grants a change (counting it) or says which limit holds it; starts the governor if it is not running. */
export function askGovernor(client: Client, taskQueue: string, request: AcquireRequest): Promise<AcquireAnswer> {
  return patiently(() =>
    client.workflow.executeUpdateWithStart(acquireUpdate, {
      args: [request],
      startWorkflowOperation: startOperation(taskQueue),
    }),
  );
}

/** Asks; stops waiting (rejecting) once `signal` aborts, e.g. the asking activity is cancelled. */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

export type GovernorAsker = (request: AcquireRequest, signal?: AbortSignal) => Promise<AcquireAnswer>;

interface Waiting {
  request: AcquireRequest;
  resolve: (answer: AcquireAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * One worker's way of asking: a question asked while none is in flight goes at once, alone; those asked meanwhile go
 * together in the next `acquireMany`. A campaign's lanes then cost the governor one Update in flight per worker, not
 * one per change (with one per change, 400 at once saw 379 refused by the server's limit of 10 in flight).
 */
export function createGovernorAsker(client: Client, taskQueue: string): GovernorAsker {
  // An activity's client calls are tied to its cancellation; a batch serves many activities, so its Update goes out
  // of any one's context, and each caller stops waiting on its own cancellation instead.
  const detached = new AbortController();
  const waiting: Waiting[] = [];
  let asking = false;
  const askNext = async (): Promise<void> => {
    if (asking || waiting.length === 0) return;
    asking = true;
    const batch = waiting.splice(0, ACQUIRE_MANY_MAX);
    try {
      const answers = await patiently(() =>
        client.withAbortSignal(detached.signal, () =>
          client.workflow.executeUpdateWithStart(acquireManyUpdate, {
            args: [batch.map((entry) => entry.request)],
            startWorkflowOperation: startOperation(taskQueue),
          }),
        ),
      );
      batch.forEach((entry, index) => {
        const answer = answers[index];
        if (answer) entry.resolve(answer);
        else entry.reject(new Error(`the governor answered ${answers.length} of ${batch.length} requests`));
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      asking = false;
      void askNext();
    }
  };
  return (request, signal) =>
    new Promise<AcquireAnswer>((resolve, reject) => {
      const stop = () => reject(asError(signal?.reason ?? 'cancelled while asking the governor'));
      if (signal?.aborted) return stop();
      signal?.addEventListener('abort', stop, { once: true });
      const settle = () => signal?.removeEventListener('abort', stop);
      waiting.push({
        request,
        resolve: (answer) => {
          settle();
          resolve(answer);
        },
        reject: (error) => {
          settle();
          reject(asError(error));
        },
      });
      void askNext();
    });
}

/** Sets a limit for every run of the task queue until set again (`cordon limits set`). */
export function setGovernorLimit(client: Client, taskQueue: string, request: SetLimitRequest): Promise<Adjustment> {
  return client.workflow.executeUpdateWithStart(setLimitUpdate, {
    args: [request],
    startWorkflowOperation: startOperation(taskQueue),
  });
}

/** The governor's counts and adjustments; empty when it never ran. */
export async function readGovernor(client: Client, taskQueue: string): Promise<{ state: GovernorState; now: number }> {
  try {
    return await client.workflow.getHandle(governorId(taskQueue)).query(governorStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { state: { grants: {}, adjusted: {} }, now: Date.now() };
    throw error;
  }
}
