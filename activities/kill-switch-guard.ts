/**
 * Consulted by every state-changing action before it runs (the impact comes from the worker's own catalogue): while
 * the kill switch of the worker's task queue is on, the action fails `Paused` and changes nothing; reads still run.
 *
 * A paused step fails rather than waits: the switch is pulled when automation misbehaves, and steps that waited would
 * all fire at once on `cordon resume`. Runs that should still happen are started again, deliberately.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { pauseState } from '../runs/kill-switch';
import { ActionError, FAILURE_TYPES } from './errors';

export async function refuseWhilePaused(client: Client, taskQueue: string): Promise<void> {
  let state;
  try {
    state = await pauseState(client, taskQueue);
  } catch (error) {
    // Fail closed: a switch that cannot be read might be on.
    throw new ActionError(FAILURE_TYPES.unavailable, 'cannot read the kill switch, so nothing is changed', {
      cause: error,
    });
  }
  if (state) {
    throw new ActionError(
      FAILURE_TYPES.paused,
      `cordon is paused (by ${state.by} since ${state.since.toISOString()}: ${state.reason}); no change runs until \`cordon resume\``,
      { details: { by: state.by, reason: state.reason, since: state.since.toISOString() } },
    );
  }
}

/** The guard for the current activity: its worker's client and task queue. */
export function refuseWhilePausedHere(): Promise<void> {
  const context = Context.current();
  return refuseWhilePaused(context.client, context.info.taskQueue);
}
