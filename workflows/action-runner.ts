/** Runs a step's action as an activity: once, or once per `forEach` item with a concurrency bound. */
import {
  executeChild,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { evaluateTemplate } from '../dsl/expressions';
import type { PlanStep } from '../dsl/plan';
import { describeFailure, isCancellation } from './failures';
import type { ItemsChunkInput } from './items-chunk-input';
import type { ItemState } from './run-state';

type ActionActivity = (input: unknown) => Promise<unknown>;

/**
 * Behind this patch, action activities carry a heartbeat timeout (the worker heartbeats every running action, see
 * activities/index.ts), so a step whose worker died is retried by another within seconds instead of after the step's
 * whole timeout (5 minutes by default). Decided once per workflow, before its first await.
 */
export const ACTION_HEARTBEAT_PATCH = 'action-heartbeat-timeout';
export const ACTION_HEARTBEAT_TIMEOUT = '20s';

/**
 * Runs an action: as an activity with the step's own timeout and retry policy (the activity id names the step and
 * item), or, for actions the registry runs as child workflows, as a child workflow.
 */
export function callAction(
  step: PlanStep,
  action: string,
  input: unknown,
  activityId: string,
  heartbeats: boolean,
): Promise<unknown> {
  if (step.workflow && action === step.action) return callChildWorkflow(step.workflow, input, activityId);
  return callActivity(step, action, input, activityId, heartbeats);
}

async function callChildWorkflow(
  child: NonNullable<PlanStep['workflow']>,
  input: unknown,
  activityId: string,
): Promise<unknown> {
  const own = `${workflowInfo().workflowId}/${activityId}`;
  const workflowId = child.id ? String(evaluateTemplate(child.id, { input })) : own;
  if (!child.detach) return executeChild(child.type, { workflowId, args: [input] });
  try {
    const handle = await startChild(child.type, {
      workflowId,
      args: [input],
      // A detached child (a monitor that runs for days) outlives the run that started it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, joined: false };
  } catch (error) {
    // The same subject is already followed by a running child: join it rather than start a second one.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    // Tell it what this run adds (a monitor learns new providers). Patched: older runs joined without a signal.
    if (child.joinSignal && patched('detached-child-join-signal')) {
      try {
        await getExternalWorkflowHandle(workflowId).signal(child.joinSignal, input);
      } catch (signalError) {
        if (isCancellation(signalError)) throw signalError;
        // It ended between the start and the signal: nothing is left to tell.
      }
    }
    return { workflowId, joined: true };
  }
}

function callActivity(
  step: PlanStep,
  action: string,
  input: unknown,
  activityId: string,
  heartbeats: boolean,
): Promise<unknown> {
  const activities = proxyActivities<Record<string, ActionActivity>>({
    activityId,
    startToCloseTimeout: step.timeoutMs,
    ...(heartbeats ? { heartbeatTimeout: ACTION_HEARTBEAT_TIMEOUT } : {}),
    retry: {
      maximumAttempts: step.retry.maximumAttempts,
      initialInterval: step.retry.initialIntervalMs,
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: step.retry.maximumIntervalMs,
    },
  });
  const activity = activities[action];
  if (!activity) throw new Error(`no activity ${action}`);
  return activity(input);
}

/** Lists longer than this run in child workflows of `CHUNK_SIZE` items, one chunk after another. */
export const CHUNK_THRESHOLD = 200;
export const CHUNK_SIZE = 100;

/** The items of one `forEach` step and how to run them. */
export interface ItemsRun {
  step: PlanStep;
  /** The resolved input of each item. */
  inputs: unknown[];
  /** Each item's state, updated in place. */
  items: ItemState[];
  concurrency: number;
  /** Says when to start no more items (the run is stopping). */
  stop: () => boolean;
  onChange: () => void;
  /** Waits until item `index` may run; a reason means skip it (see `item-pipeline.ts`). Inline runs only. */
  gate?: (index: number) => Promise<string | undefined>;
  /** Whether this workflow's action activities carry a heartbeat timeout (see ACTION_HEARTBEAT_PATCH). */
  heartbeats: boolean;
}

/**
 * Runs every item, at most `concurrency` at once, recording each item's outcome in `items`. Resolves when all items
 * have settled (or, once `stop()` says so, when those already started have); never rejects except on cancellation.
 */
export async function runItems(run: ItemsRun): Promise<void> {
  const { step, inputs, items, concurrency, stop, onChange } = run;
  if (inputs.length <= CHUNK_THRESHOLD) return runItemsInline(run);
  for (let offset = 0; offset < inputs.length && !stop(); offset += CHUNK_SIZE) {
    const slice = items.slice(offset, offset + CHUNK_SIZE);
    const settled = await executeChild<(input: ItemsChunkInput) => Promise<ItemState[]>>('runItemsChunk', {
      workflowId: `${workflowInfo().workflowId}/${step.id}/${offset}`,
      args: [
        {
          step,
          inputs: inputs.slice(offset, offset + CHUNK_SIZE),
          items: slice.map((item) => item.item),
          offset,
          concurrency,
        },
      ],
    });
    for (const item of settled) items[item.index] = item;
    onChange();
  }
  for (const item of items) if (item.status === 'pending') item.status = 'skipped';
}

/** Runs the items in this workflow, `concurrency` lanes at a time. */
export async function runItemsInline({
  step,
  inputs,
  items,
  concurrency,
  stop,
  onChange,
  gate,
  heartbeats,
}: ItemsRun): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < inputs.length && !stop()) {
      const index = next++;
      const item = items[index];
      if (!item) continue;
      if (gate) {
        const skip = await gate(index);
        if (skip !== undefined) {
          item.status = 'skipped';
          item.reason = skip;
          onChange();
          continue;
        }
        // The run may have started stopping while this item waited for its turn.
        if (stop()) break;
      }
      item.status = 'running';
      onChange();
      try {
        item.output = await callAction(step, step.action, inputs[index], `${step.id}[${index}]`, heartbeats);
        item.status = 'succeeded';
      } catch (error) {
        if (isCancellation(error)) {
          item.status = 'cancelled';
          throw error;
        }
        item.status = 'failed';
        item.error = describeFailure(error);
      }
      onChange();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, lane));
  for (const item of items) if (item.status === 'pending') item.status = 'skipped';
}
