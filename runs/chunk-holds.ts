/**
 * Held changes inside the child workflows of a `forEach` over more than 200 items: each chunk holds its own (the
 * parent's status Query cannot see them), so `cordon status` asks the chunks that are running, one query each.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { CHUNK_SIZE, CHUNK_THRESHOLD } from '../workflows/action-runner';
import type { LimitHold } from '../workflows/limit-hold-records';
import { chunkHoldsQuery } from '../workflows/messages';
import type { RunState } from '../workflows/run-state';

/** The workflow ids of the chunks a running step over a large list may have started. */
export function chunkIds(state: RunState): string[] {
  return state.steps.flatMap((step) => {
    const count = step.items?.length ?? 0;
    if (step.status !== 'running' || count <= CHUNK_THRESHOLD) return [];
    return Array.from(
      { length: Math.ceil(count / CHUNK_SIZE) },
      (_, chunk) => `${state.workflowId}/${step.id}/${chunk * CHUNK_SIZE}`,
    );
  });
}

/** Every change a running chunk of the run holds; a chunk not started, ended, or recorded before the query: none. */
export async function chunkHolds(client: Client, state: RunState): Promise<LimitHold[]> {
  const held = await Promise.all(
    chunkIds(state).map(async (workflowId) => {
      const handle = client.workflow.getHandle(workflowId);
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return [];
        return await handle.query(chunkHoldsQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return [];
        throw error;
      }
    }),
  );
  return held.flat();
}
