/** Runs a step's action as an activity: once, or once per `forEach` item with a concurrency bound. */
import {
  executeChild,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { evaluateTemplate } from '../dsl/expressions';
import type { PlanStep } from '../dsl/plan';
import { describeFailure, isCancellation } from './failures';
import { activitySummary } from './activity-summary';
import { recordActionEnded } from './run-metrics';
import type { ItemsChunkInput } from './items-chunk-input';
import type { ItemChange, ItemState, ReadOnlyDeep } from './run-state';
import { workKey } from './work-keys';
import type { ChildWorkflowIdServices } from '../activities/child-workflow-ids';
import type { LimitPass } from '../activities/governor-guard';
import type { ApprovedPrincipal } from '../activities/action';
import { callWithHolds } from './governor-hold';
import { callWithProtectedApproval } from './protected-approvals';

type ActionActivity = (
  input: unknown,
  pass?: LimitPass & { principals?: readonly ApprovedPrincipal[] },
) => Promise<unknown>;

/**
 * Behind this patch, action activities carry a heartbeat timeout (the worker heartbeats every running action, see
 * activities/index.ts), so a step whose worker died is retried by another within seconds instead of after the step's
 * whole timeout (5 minutes by default). Decided once per workflow, before its first await.
 */
export const ACTION_HEARTBEAT_PATCH = 'action-heartbeat-timeout';
export const ACTION_HEARTBEAT_TIMEOUT = '20s';

/** One call of an action by a step (its own action, or the action undoing it). */
export interface ActionCall {
  step: PlanStep;
  action: string;
  input: unknown;
  /** Names the step and item; a child workflow's id is derived from it too. */
  activityId: string;
  /** Shown by the Temporal Web UI. */
  summary: string;
  /** Whether the activity carries a heartbeat timeout (see ACTION_HEARTBEAT_PATCH). */
  heartbeats: boolean;
}

/**
 * Runs an action: as an activity with the step's own timeout and retry policy (the activity id names the step and
 * item), or, for actions the registry runs as child workflows, as a child workflow.
 */
export function callAction(call: ActionCall): Promise<unknown> {
  const { step, action } = call;
  const called =
    step.workflow && action === step.action
      ? callChildWorkflow(step.workflow, call.input, call.activityId, call.summary)
      : callActivity(call);
  return called.then(
    (output) => {
      recordActionEnded(action, 'succeeded');
      return output;
    },
    (error: unknown) => {
      if (!isCancellation(error)) recordActionEnded(action, 'failed');
      throw error;
    },
  );
}

/**
 * Behind this patch, a child named after what it follows (`takedown-monitor/<domain>`) gets its id from the worker,
 * which makes it a keyed pseudonym when the payload codec is on: a shared cluster reads workflow ids in clear. Runs
 * recorded before it started their children under the readable id, and replay so.
 */
export const CHILD_ID_PSEUDONYM_PATCH = 'child-workflow-id-pseudonym';

const { 'cordon.child_workflow_id': childWorkflowId } = proxyLocalActivities<ChildWorkflowIdServices>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5 },
});

async function callChildWorkflow(
  child: NonNullable<PlanStep['workflow']>,
  input: unknown,
  activityId: string,
  summary: string,
): Promise<unknown> {
  const own = `${workflowInfo().workflowId}/${activityId}`;
  const readable = child.id ? String(evaluateTemplate(child.id, { input })) : undefined;
  const workflowId =
    readable === undefined ? own : patched(CHILD_ID_PSEUDONYM_PATCH) ? await childWorkflowId(readable) : readable;
  if (!child.detach) return executeChild(child.type, { workflowId, args: [input], staticSummary: summary });
  try {
    const handle = await startChild(child.type, {
      workflowId,
      args: [input],
      staticSummary: summary,
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

function callActivity({ step, action, input, activityId, summary, heartbeats }: ActionCall): Promise<unknown> {
  const activities = proxyActivities<Record<string, ActionActivity>>({
    activityId,
    // Shown by the Temporal Web UI; not compared on replay, so runs recorded without it replay alike.
    summary,
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
  // A change the governor holds waits for room or an approval naming the limit (see governor-hold.ts); a change to a
  // protected account waits for an approval naming the account (see protected-approvals.ts).
  return callWithProtectedApproval(step, { activityId, input }, (principals) =>
    callWithHolds(step.id, activityId, (pass) => {
      if (principals.length === 0) return pass ? activity(input, pass) : activity(input);
      return activity(input, { approved: pass?.approved ?? [], principals });
    }),
  );
}

/** Lists longer than this run in child workflows of `CHUNK_SIZE` items, one chunk after another. */
export const CHUNK_THRESHOLD = 200;
export const CHUNK_SIZE = 100;

/** The items of one `forEach` step and how to run them. */
export interface ItemsRun {
  step: PlanStep;
  /** The resolved input of each item. */
  inputs: unknown[];
  /** Each item's state as it stands; every change goes through `record`. */
  items: readonly ReadOnlyDeep<ItemState>[];
  concurrency: number;
  /** What the run contains, for the items' activity summaries when an item is not a plain value. */
  subject?: string;
  /** Says when to start no more items (the run is stopping). */
  stop: () => boolean;
  /** Records a change to the item at `position` in `items` (the run's tracker, or a chunk's own list). */
  record: (position: number, change: ItemChange) => void;
  /** Waits until item `index` may run; a reason means skip it (see `item-pipeline.ts`). Inline runs only. */
  gate?: (index: number) => Promise<string | undefined>;
  /** Whether this workflow's action activities carry a heartbeat timeout (see ACTION_HEARTBEAT_PATCH). */
  heartbeats: boolean;
}

/** What a settled item from a chunk changes in the parent's list. */
function changeOf({ status, output, error, reason }: ItemState): ItemChange {
  return {
    status,
    ...(output !== undefined ? { output } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

function skipUnstarted({ items, record }: ItemsRun): void {
  items.forEach((item, position) => {
    if (item.status === 'pending') record(position, { status: 'skipped' });
  });
}

/**
 * Runs every item, at most `concurrency` at once, recording each item's outcome. Resolves when all items have settled
 * (or, once `stop()` says so, when those already started have); never rejects except on cancellation.
 */
export async function runItems(run: ItemsRun): Promise<void> {
  const { step, inputs, items, concurrency, stop, record } = run;
  if (inputs.length <= CHUNK_THRESHOLD) return runItemsInline(run);
  for (let offset = 0; offset < inputs.length && !stop(); offset += CHUNK_SIZE) {
    const slice = items.slice(offset, offset + CHUNK_SIZE);
    const settled = await executeChild<(input: ItemsChunkInput) => Promise<ItemState[]>>('runItemsChunk', {
      workflowId: `${workflowInfo().workflowId}/${step.id}/${offset}`,
      staticSummary: `${step.id}[${offset}..${Math.min(offset + CHUNK_SIZE, inputs.length) - 1}] of ${inputs.length} (${step.action})`,
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
    for (const item of settled) record(item.index, changeOf(item));
  }
  skipUnstarted(run);
}

/** Runs the items in this workflow, `concurrency` lanes at a time. */
export async function runItemsInline(run: ItemsRun): Promise<void> {
  const { step, inputs, items, concurrency, stop, record, gate, subject, heartbeats } = run;
  let next = 0;
  const lane = async () => {
    while (next < inputs.length && !stop()) {
      const index = next++;
      const item = items[index];
      if (!item) continue;
      if (gate) {
        const skip = await gate(index);
        if (skip !== undefined) {
          record(index, { status: 'skipped', reason: skip });
          continue;
        }
        // The run may have started stopping while this item waited for its turn.
        if (stop()) break;
      }
      record(index, { status: 'running' });
      try {
        const label = workKey({ stepId: step.id, index });
        const summary = activitySummary(label, step.action, { item: item.item, subject, input: inputs[index] });
        const output = await callAction({
          step,
          action: step.action,
          input: inputs[index],
          activityId: label,
          summary,
          heartbeats,
        });
        record(index, { output, status: 'succeeded' });
      } catch (error) {
        if (isCancellation(error)) {
          record(index, { status: 'cancelled' });
          throw error;
        }
        record(index, { status: 'failed', error: describeFailure(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, lane));
  skipUnstarted(run);
}
