/**
 * Where a run's time goes, from its history alone: each event with its offset from the run's start, the activity or
 * marker it concerns, and the gaps the workflow spent waiting for a workflow task. For the benchmarks' profiles.
 */
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

export interface TimelineRow {
  /** Milliseconds from the run's first event. */
  atMs: number;
  event: string;
  /** The activity type, marker name or update name the event is about. */
  about: string;
}

export interface Timeline {
  rows: TimelineRow[];
  totalMs: number;
  workflowTasks: number;
  /** Summed time from each workflow task's scheduling to its completion. */
  workflowTaskMs: number;
  activities: number;
  localActivities: number;
}

function eventName(type: number | null | undefined): string {
  const name = EventType[type ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase();
}

export async function historyTimeline(handle: WorkflowHandle): Promise<Timeline> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const millis = (seconds: unknown, nanos: unknown) => Number(seconds ?? 0) * 1000 + Number(nanos ?? 0) / 1e6;
  const timeOf = (index: number) => millis(events[index]?.eventTime?.seconds, events[index]?.eventTime?.nanos);
  const start = timeOf(0);
  const activityTypes = new Map<string, string>();
  const rows: TimelineRow[] = [];
  let workflowTasks = 0;
  let workflowTaskMs = 0;
  let taskScheduledAt = 0;
  let activities = 0;
  let localActivities = 0;
  events.forEach((event, index) => {
    const name = eventName(event.eventType);
    const at = timeOf(index);
    let about = '';
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      activities += 1;
      about = scheduled.activityType?.name ?? '';
      activityTypes.set(String(event.eventId), about);
    }
    const started = event.activityTaskStartedEventAttributes?.scheduledEventId;
    const completed = event.activityTaskCompletedEventAttributes?.scheduledEventId;
    const failed = event.activityTaskFailedEventAttributes?.scheduledEventId;
    const of = started ?? completed ?? failed;
    if (of !== undefined && of !== null) about = activityTypes.get(String(of)) ?? '';
    const marker = event.markerRecordedEventAttributes;
    if (marker) {
      about = marker.markerName ?? '';
      if (about === 'core_local_activity') localActivities += 1;
    }
    const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    if (update) about = update;
    const signal = event.workflowExecutionSignaledEventAttributes?.signalName;
    if (signal) about = signal;
    if (event.workflowTaskScheduledEventAttributes) taskScheduledAt = at;
    if (event.workflowTaskCompletedEventAttributes) {
      workflowTasks += 1;
      workflowTaskMs += at - taskScheduledAt;
    }
    rows.push({ atMs: Math.round(at - start), event: name, about });
  });
  // Started events are written when the activity completes, with the time it started: in time order, they read as a story.
  rows.sort((a, b) => a.atMs - b.atMs);
  return {
    rows,
    totalMs: Math.round(timeOf(events.length - 1) - start),
    workflowTasks,
    workflowTaskMs: Math.round(workflowTaskMs),
    activities,
    localActivities,
  };
}

export function printTimeline(title: string, timeline: Timeline): void {
  console.log(`\n${title}`);
  let previous = 0;
  for (const row of timeline.rows) {
    console.log(
      `${String(row.atMs).padStart(6)} ms  +${String(row.atMs - previous).padStart(4)}  ${row.event.padEnd(34)}${row.about}`,
    );
    previous = row.atMs;
  }
  console.log(
    `${timeline.totalMs} ms in all; ${timeline.workflowTasks} workflow tasks (${timeline.workflowTaskMs} ms from scheduled to completed, summed); ${timeline.activities} activities, ${timeline.localActivities} local activities`,
  );
}
