/**
 * Activity calls from the history's ActivityTask* events. The interpreter names each call by what it does (the step
 * id, `step[i]` for a forEach item, `undo:step` or `undo:step[i]` for an undo: `workflows/work-keys.ts`), so a call
 * finds its step by its id.
 * The history keeps only the last attempt of a retried call: its number, its start, and the failure before it.
 */
import {
  decodePayload,
  describeFailure,
  eventIdOf,
  eventTimeOf,
  firstPayload,
  toNumber,
  type HistoryEvent,
  type LongLike,
} from './history';
import { parseWorkKey } from '../workflows/work-keys';
import type { ActivityCall } from './model';

/** The interpreter's own activities, not steps of the playbook. */
export const SERVICE_ACTIVITIES = ['cordon.resolve_approvers', 'cordon.notify'] as const;

/** Where a call belongs, from its id: a step, a forEach item, an undo, the interpreter's services, or nothing known. */
export function placement(activityId: string, activityType: string, stepIds: ReadonlySet<string>) {
  if ((SERVICE_ACTIVITIES as readonly string[]).includes(activityType)) {
    return { role: 'service' as const, stepId: null, itemIndex: null };
  }
  const { stepId, index: itemIndex, undo } = parseWorkKey(activityId);
  if (!stepIds.has(stepId)) return { role: 'other' as const, stepId: null, itemIndex: null };
  const role = undo ? ('undo' as const) : itemIndex !== null ? ('item' as const) : ('action' as const);
  return { role, stepId, itemIndex };
}

/** What the scheduling event of a call (an activity or a child workflow) says; later events fill in the rest. */
export function scheduledCall(event: HistoryEvent, input: unknown) {
  return {
    child: null,
    scheduledEventId: eventIdOf(event),
    scheduledAt: eventTimeOf(event),
    startedAt: null,
    endedAt: null,
    outcome: 'scheduled',
    attempts: null,
    worker: null,
    input,
    output: null,
    error: null,
    previousAttemptFailure: null,
  } satisfies Partial<ActivityCall>;
}

/** An activity call as its scheduling event describes it: what it is, where it belongs, what it was given. */
function scheduledActivity(
  event: HistoryEvent,
  scheduled: NonNullable<HistoryEvent['activityTaskScheduledEventAttributes']>,
  stepIds: ReadonlySet<string>,
  warn: (message: string) => void,
): ActivityCall {
  const activityId = scheduled.activityId ?? '';
  const activityType = scheduled.activityType?.name ?? '';
  return {
    activityId,
    activityType,
    ...placement(activityId, activityType, stepIds),
    ...scheduledCall(event, firstPayload(scheduled.input, warn)),
  };
}

/** Every activity call, in the order they were scheduled. */
export function collectActivityCalls(
  events: readonly HistoryEvent[],
  stepIds: ReadonlySet<string>,
  warn: (message: string) => void,
): ActivityCall[] {
  const calls = new Map<number, ActivityCall>();
  const byScheduledId = (id: LongLike, event: HistoryEvent): ActivityCall | undefined => {
    const call = calls.get(toNumber(id));
    if (!call) warn(`event ${eventIdOf(event)} refers to an activity that was never scheduled`);
    return call;
  };
  // The fields are worked out only for a call that was scheduled: a dangling event warns once, about itself.
  const end = (id: LongLike, event: HistoryEvent, fields: () => Partial<ActivityCall>): void => {
    const call = byScheduledId(id, event);
    if (call) Object.assign(call, { endedAt: eventTimeOf(event), ...fields() });
  };
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      calls.set(eventIdOf(event), scheduledActivity(event, scheduled, stepIds, warn));
      continue;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const call = byScheduledId(started.scheduledEventId, event);
      if (!call) continue;
      call.startedAt = eventTimeOf(event);
      call.attempts = started.attempt ?? 1;
      call.worker = started.identity ?? null;
      call.previousAttemptFailure = describeFailure(started.lastFailure);
      if (call.outcome === 'scheduled') call.outcome = 'started';
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      end(completed.scheduledEventId, event, () => ({
        outcome: 'completed',
        output: firstPayload(completed.result, warn),
      }));
      continue;
    }
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) {
      end(failed.scheduledEventId, event, () => ({ outcome: 'failed', error: describeFailure(failed.failure) }));
      continue;
    }
    const timedOut = event.activityTaskTimedOutEventAttributes;
    if (timedOut) {
      end(timedOut.scheduledEventId, event, () => ({ outcome: 'timed_out', error: describeFailure(timedOut.failure) }));
      continue;
    }
    const canceled = event.activityTaskCanceledEventAttributes;
    if (canceled) {
      end(canceled.scheduledEventId, event, () => {
        const details = decodePayload(canceled.details?.payloads?.[0], warn);
        return {
          outcome: 'cancelled',
          error: {
            type: 'Cancelled',
            message: 'the activity was cancelled',
            nonRetryable: null,
            cause: details ? JSON.stringify(details) : null,
          },
        };
      });
    }
  }
  return [...calls.values()];
}
