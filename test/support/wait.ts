import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { statusQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/run-state';

/**
 * Polls a run's status until `predicate` holds, failing with the last state seen after `timeoutMs`. A query that
 * fails (on a loaded machine a worker may answer after the query's own deadline) is asked again until then.
 */
export async function waitForState(
  handle: WorkflowHandle,
  predicate: (state: RunState) => boolean,
  timeoutMs = 30_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  let last: RunState | undefined;
  let lastError: Error | undefined;
  while (Date.now() < deadline) {
    try {
      last = await handle.query(statusQuery);
      if (predicate(last)) return last;
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error));
    }
    await sleep(100);
  }
  const failed = lastError === undefined ? '' : `; the last query failed: ${lastError.message}`;
  throw new Error(`timed out waiting for the run state${failed}; last: ${JSON.stringify(last, null, 2)}`);
}

/** The pending approval of a step, once it is requested. */
export async function pendingApproval(handle: WorkflowHandle, stepId: string) {
  const state = await waitForState(handle, (s) =>
    s.approvals.some((approval) => approval.stepId === stepId && approval.status === 'pending'),
  );
  const approval = state.approvals.find((candidate) => candidate.stepId === stepId && candidate.status === 'pending');
  if (!approval) throw new Error('unreachable');
  return approval;
}

/** The result of a run that may fail: its final status either way. */
export async function settle(handle: WorkflowHandle): Promise<RunState> {
  await handle.result().catch(() => undefined);
  return handle.query(statusQuery);
}

/** The message of the failure a run ended with (WorkflowFailedError keeps it in its cause). */
export async function failureOf(handle: WorkflowHandle): Promise<string> {
  try {
    await handle.result();
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  throw new Error('the run did not fail');
}
