/**
 * Turning the kill switch on and off, and reading it. The switch is a `killSwitch` workflow with a fixed id per task
 * queue (several cordon deployments, or test workers, may share a namespace): running means paused.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { KillSwitchInput } from '../workflows/kill-switch';
import { describeIfExists } from './workflow-description';

export function killSwitchId(taskQueue: string): string {
  return `cordon-kill-switch/${taskQueue}`;
}

export interface PauseState {
  by: string;
  reason: string;
  since: Date;
}

function memoText(memo: Record<string, unknown> | undefined, key: string): string {
  const value = memo?.[key];
  return typeof value === 'string' ? value : '(unknown)';
}

/** Whether the task queue is paused, and by whom; undefined when it is not. */
export async function pauseState(client: Client, taskQueue: string): Promise<PauseState | undefined> {
  const description = await describeIfExists(client, killSwitchId(taskQueue));
  if (description?.status.name !== 'RUNNING') return undefined;
  return {
    by: memoText(description.memo, 'by'),
    reason: memoText(description.memo, 'reason'),
    since: description.startTime,
  };
}

/** Turns the switch on; pausing twice keeps the first pause (and its reason). */
export async function pause(client: Client, taskQueue: string, input: KillSwitchInput): Promise<PauseState> {
  await client.workflow.start('killSwitch', {
    workflowId: killSwitchId(taskQueue),
    taskQueue,
    args: [input],
    memo: { by: input.by, reason: input.reason },
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const state = await pauseState(client, taskQueue);
  if (!state) throw new Error(`the kill switch of task queue ${taskQueue} did not stay on`);
  return state;
}

/** Turns the switch off; false when it was not on. */
export async function resume(client: Client, taskQueue: string, by: string): Promise<boolean> {
  if (!(await pauseState(client, taskQueue))) return false;
  try {
    await client.workflow.getHandle(killSwitchId(taskQueue)).terminate(`resumed by ${by}`);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
