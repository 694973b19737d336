/**
 * Asking and steering the governor of a task queue: a `governor` workflow with a fixed id per task queue, started by
 * the first question (Update-with-start), so no deployment step is needed and no worker restart loses a count.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { governor } from '../workflows/governor';
import { acquireUpdate, governorStateQuery, setLimitUpdate } from '../workflows/governor-messages';
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

/** Grants a change (counting it) or says which limit holds it; starts the governor if it is not running. */
export function askGovernor(client: Client, taskQueue: string, request: AcquireRequest): Promise<AcquireAnswer> {
  return client.workflow.executeUpdateWithStart(acquireUpdate, {
    args: [request],
    startWorkflowOperation: startOperation(taskQueue),
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
