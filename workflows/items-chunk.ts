/**
 * A slice of a large `forEach` step, run as a child workflow. A campaign of hundreds of users would otherwise put
 * every item's activity events into one history; chunks keep each history small and the parent's to a few events
 * per chunk.
 */
import { patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { hashValue } from '../dsl/canonical-json';
import { ACTION_HEARTBEAT_PATCH, runItemsInline } from './action-runner';
import { requireRunPlaybookParent } from './parent-guard';
import { askRunForLimitApprovals } from './chunk-limit-relay';
import { currentHolds } from './governor-hold';
import type { LimitHold } from './limit-hold-records';
import type { ItemsChunkInput } from './items-chunk-input';
import { chunkHoldsQuery } from './messages';
import type { ItemState } from './run-state';

/** The changes a chunk's governor holds, named by their item's place in the whole list (`suspend[230]`). */
function chunkHolds(input: ItemsChunkInput): LimitHold[] {
  return currentHolds().map((hold) => {
    const position = /\[(\d+)\]$/.exec(hold.activityId)?.[1];
    const activityId = position === undefined ? hold.activityId : `${hold.stepId}[${input.offset + Number(position)}]`;
    return { ...hold, activityId };
  });
}

export async function runItemsChunk(input: ItemsChunkInput): Promise<ItemState[]> {
  // A query issues no command: chunks recorded before it replay alike. `cordon status` asks the running chunks.
  setHandler(chunkHoldsQuery, () => chunkHolds(input));
  // Decided before the first await, so replay decides it alike.
  const heartbeats = patched(ACTION_HEARTBEAT_PATCH);
  askRunForLimitApprovals(input.step);
  // Whoever can reach Temporal can start a chunk: it runs only what its parent run is running, and was approved for.
  await requireRunPlaybookParent({
    kind: 'chunk',
    workflowId: workflowInfo().workflowId,
    stepId: input.step.id,
    stepHash: hashValue(input.step),
    offset: input.offset,
    count: input.inputs.length,
    inputsHash: hashValue(input.inputs),
  });
  const items: ItemState[] = input.items.map((item, position) => ({
    index: input.offset + position,
    item,
    status: 'pending',
  }));
  await runItemsInline({
    step: input.step,
    inputs: input.inputs,
    items,
    concurrency: input.concurrency,
    stop: () => false,
    // A chunk's items are its own until it returns them to the parent run, which records them in its state.
    record: (position, change) => {
      const item = items[position];
      if (item) Object.assign(item, change);
    },
    heartbeats,
  });
  return items;
}
