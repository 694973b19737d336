/**
 * Child workflows a run started, read like activity calls. The interpreter starts two kinds:
 * - actions that run as workflows (a takedown monitor): the child's id is `<run id>/<activity id>` unless the action
 *   names its own (one monitor per domain across runs), in which case the step is found by the workflow type;
 * - slices of a large `forEach` (`runItemsChunk`, id `<run id>/<step>/<offset>`), whose result lists each item's
 *   outcome. The items' own attempts are in the child's history: audit the child by its id for them.
 */
import { placement, scheduledCall } from './activities';
import { describeFailure, eventIdOf, eventTimeOf, firstPayload, toNumber, type HistoryEvent } from './history';
import type { ActivityCall } from './model';
import type { PlanStepRecord } from './run-records';
import { z } from 'zod';

const chunkInput = z.looseObject({ items: z.array(z.unknown()), offset: z.number() });
const chunkOutput = z.array(z.looseObject({ index: z.number(), status: z.string() }));

/** What a forEach slice covered and how its items ended: `{ first: 0, items: 100, byStatus: { succeeded: 100 } }`. */
export function chunkSummary(
  call: ActivityCall,
): { first: number; items: number; byStatus: Record<string, number> } | undefined {
  if (call.role !== 'chunk') return undefined;
  const input = chunkInput.safeParse(call.input);
  const output = chunkOutput.safeParse(call.output);
  const byStatus: Record<string, number> = {};
  for (const item of output.success ? output.data : []) byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
  return { first: input.data?.offset ?? call.itemIndex ?? 0, items: input.data?.items.length ?? 0, byStatus };
}

export const CHUNK_WORKFLOW = 'runItemsChunk';
const CHUNK_KEY = /^(.+)\/(\d+)$/;

function place(
  childId: string,
  type: string,
  parentId: string | undefined,
  steps: readonly PlanStepRecord[],
  seen: Map<string, number>,
): Pick<ActivityCall, 'activityId' | 'role' | 'stepId' | 'itemIndex'> {
  const stepIds = new Set(steps.map((step) => step.id));
  const key = parentId && childId.startsWith(`${parentId}/`) ? childId.slice(parentId.length + 1) : undefined;
  if (key !== undefined) {
    const chunk = type === CHUNK_WORKFLOW ? CHUNK_KEY.exec(key) : null;
    if (chunk?.[1] && stepIds.has(chunk[1])) {
      return { activityId: key, role: 'chunk', stepId: chunk[1], itemIndex: Number(chunk[2]) };
    }
    return { activityId: key, ...placement(key, type, stepIds) };
  }
  // An id of the action's own choosing: the step is the one whose action runs this workflow type.
  const step = steps.find((candidate) => candidate.workflow?.type === type);
  if (!step) return { activityId: childId, role: 'other', stepId: null, itemIndex: null };
  const count = seen.get(step.id) ?? 0;
  seen.set(step.id, count + 1);
  return step.forEach
    ? { activityId: `${step.id}[${count}]`, role: 'item', stepId: step.id, itemIndex: count }
    : { activityId: step.id, role: 'action', stepId: step.id, itemIndex: null };
}

/** How a child ended when its history event is all there is to say: no message from the child, no cause. */
function childError(type: string, message: string): ActivityCall['error'] {
  return { type, message, nonRetryable: null, cause: null };
}

/** The ends of a child that carry no failure of their own: what the audit says for each. */
const QUIET_ENDS = [
  {
    attributes: 'childWorkflowExecutionTimedOutEventAttributes',
    outcome: 'timed_out',
    type: 'Timeout',
    message: 'the child workflow timed out',
  },
  {
    attributes: 'childWorkflowExecutionCanceledEventAttributes',
    outcome: 'cancelled',
    type: 'Cancelled',
    message: 'the child workflow was cancelled',
  },
  {
    attributes: 'childWorkflowExecutionTerminatedEventAttributes',
    outcome: 'failed',
    type: 'Terminated',
    message: 'the child workflow was terminated',
  },
] as const;

/** Every child workflow the run started, in the order it started them. */
export function collectChildCalls(
  events: readonly HistoryEvent[],
  steps: readonly PlanStepRecord[],
  parentId: string | undefined,
  warn: (message: string) => void,
): ActivityCall[] {
  const calls = new Map<number, ActivityCall>();
  const seen = new Map<string, number>();
  const end = (initiatedEventId: number, event: HistoryEvent, fields: Partial<ActivityCall>) => {
    const call = calls.get(initiatedEventId);
    if (!call) return warn(`event ${eventIdOf(event)} refers to a child workflow that was never started`);
    Object.assign(call, { endedAt: eventTimeOf(event), ...fields });
  };
  for (const event of events) {
    const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated) {
      const childId = initiated.workflowId ?? '';
      const type = initiated.workflowType?.name ?? '';
      calls.set(eventIdOf(event), {
        ...place(childId, type, parentId, steps, seen),
        activityType: type,
        ...scheduledCall(event, firstPayload(initiated.input, warn)),
        child: { workflowId: childId, runId: null },
      });
      continue;
    }
    const started = event.childWorkflowExecutionStartedEventAttributes;
    if (started) {
      const call = calls.get(toNumber(started.initiatedEventId));
      if (call) {
        Object.assign(call, { startedAt: eventTimeOf(event), outcome: 'started', attempts: 1 });
        call.child = { workflowId: call.child?.workflowId ?? '', runId: started.workflowExecution?.runId ?? null };
      }
      continue;
    }
    const completed = event.childWorkflowExecutionCompletedEventAttributes;
    if (completed)
      end(toNumber(completed.initiatedEventId), event, {
        outcome: 'completed',
        output: firstPayload(completed.result, warn),
      });
    const failed = event.childWorkflowExecutionFailedEventAttributes;
    if (failed)
      end(toNumber(failed.initiatedEventId), event, { outcome: 'failed', error: describeFailure(failed.failure) });
    for (const quiet of QUIET_ENDS) {
      const ended = event[quiet.attributes];
      if (ended) {
        end(toNumber(ended.initiatedEventId), event, {
          outcome: quiet.outcome,
          error: childError(quiet.type, quiet.message),
        });
      }
    }
    const refused = event.startChildWorkflowExecutionFailedEventAttributes;
    if (refused) {
      end(toNumber(refused.initiatedEventId), event, {
        outcome: 'failed',
        error: childError('StartChildWorkflowFailed', `could not start (cause ${String(refused.cause)})`),
      });
    }
  }
  return [...calls.values()];
}
