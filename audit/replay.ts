/**
 * Replays histories against workflow code (today's bundle unless another is given) and says, per run, whether the
 * code reproduces the history, and where it first diverges when it does not. Nothing is sent to a server: a replay
 * worker feeds the recorded events to the workflow and compares the commands it issues with those recorded.
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { DROPPED_WORKFLOW_SPANS } from '../temporal/worker-factory';
import { decodePayload, eventIdOf, type History, type HistoryEvent } from './history';

export interface ReplayInput {
  /** A file name or workflow id, for people. */
  label: string;
  /** Workflow code may read its id; histories do not hold it. */
  workflowId: string;
  history: History;
}

export interface Divergence {
  eventId: number;
  eventType: string;
  /** What the history recorded at that event (activity id and type, timer, …). */
  recorded: string;
}

export interface ReplayOutcome {
  label: string;
  workflowId: string;
  events: number;
  verdict: 'deterministic' | 'nondeterministic' | 'failed';
  /** The first event the code disagrees with, when the replay error names one. */
  divergence?: Divergence;
  /** The replay error's own words. */
  message?: string;
}

export interface ReplayOptions {
  /** The workflow bundle to replay against. */
  workflowBundle: { code: string };
}

/** `HistoryEvent(id: 5, ActivityTaskScheduled)`, as the SDK core names events in nondeterminism errors. */
const CORE_EVENT = /HistoryEvent\(id: (\d+), (\w+)\)/;
const ANY_EVENT = /\bevent(?: id)?[ #:]+(\d+)/i;
/** `Activity type of scheduled event 'test.mark' does not match …`: names the recorded activity, not the event. */
const NAMED_ACTIVITY = /(type|id) of scheduled event '([^']+)'/;

function describeRecorded(event: HistoryEvent | undefined): string {
  if (!event) return 'no such event in the history';
  const activity = event.activityTaskScheduledEventAttributes;
  if (activity) return `activity ${activity.activityId} (${activity.activityType?.name}) scheduled`;
  const timer = event.timerStartedEventAttributes;
  if (timer) return `timer ${timer.timerId} started`;
  const patch = patchOf(event);
  if (patch) return `patch ${patch} marked`;
  if (event.workflowExecutionUpdateAcceptedEventAttributes) return 'an update accepted';
  if (event.workflowExecutionCompletedEventAttributes) return 'the workflow completed';
  if (event.workflowExecutionFailedEventAttributes) return 'the workflow failed';
  return eventTypeName(event);
}

/** `ActivityTaskScheduled` for an event with `activityTaskScheduledEventAttributes`. */
function eventTypeName(event: HistoryEvent | undefined): string {
  const [key] = Object.entries(event ?? {}).find(([name, value]) => name.endsWith('EventAttributes') && value) ?? [];
  return key ? key.replace(/EventAttributes$/, '').replace(/^./, (first) => first.toUpperCase()) : 'Unknown';
}

/** `Non-deprecated patch marker encountered for change <id>, but …`: names the patch, not the event. */
const NAMED_PATCH = /patch marker encountered for change ([^,\s]+)/;

/** The patch id of a `patched()` marker event (its `patch-data` payload is JSON `{"id": …}`). */
function patchOf(event: HistoryEvent): string | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_patch') return undefined;
  const data = decodePayload(marker.details?.['patch-data']?.payloads?.[0], () => {});
  return typeof data === 'object' && data !== null && 'id' in data && typeof data.id === 'string' ? data.id : undefined;
}

/** Finds the first diverging event in a replay error message and looks it up in the history. */
export function divergenceOf(message: string, history: History): Divergence | undefined {
  const events = history.events ?? [];
  const core = CORE_EVENT.exec(message);
  let eventId = Number(core?.[1] ?? ANY_EVENT.exec(message)?.[1] ?? NaN);
  const named = NAMED_ACTIVITY.exec(message);
  if (!Number.isInteger(eventId) && named) {
    const [, field, value] = named;
    const event = events.find((candidate) => {
      const scheduled = candidate.activityTaskScheduledEventAttributes;
      return scheduled && (field === 'type' ? scheduled.activityType?.name : scheduled.activityId) === value;
    });
    if (event) eventId = eventIdOf(event);
  }
  const patch = NAMED_PATCH.exec(message)?.[1];
  if (!Number.isInteger(eventId) && patch) {
    const event = events.find((candidate) => patchOf(candidate) === patch);
    if (event) eventId = eventIdOf(event);
  }
  if (!Number.isInteger(eventId)) return undefined;
  const event = events.find((candidate) => eventIdOf(candidate) === eventId);
  return { eventId, eventType: core?.[2] ?? eventTypeName(event), recorded: describeRecorded(event) };
}

function conciseMessage(message: string): string {
  const core = /\[TMPRL1100\][^"]*/.exec(message)?.[0];
  return (core ?? message).trim();
}

/** Replays each history in turn with one replay worker; never throws for a history that diverges. */
export async function replayHistories(
  inputs: readonly ReplayInput[],
  options: ReplayOptions,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  if (inputs.length === 0) return outcomes;
  const results = Worker.runReplayHistories(
    // The bundled tracing interceptors call their sink; a replay records nothing, but the sink must exist.
    { workflowBundle: options.workflowBundle, sinks: DROPPED_WORKFLOW_SPANS },
    inputs.map((input) => ({ workflowId: input.workflowId, history: input.history })),
  );
  let index = 0;
  for await (const result of results) {
    const input = inputs[index++];
    if (!input) break;
    const base = { label: input.label, workflowId: input.workflowId, events: input.history.events?.length ?? 0 };
    if (!result.error) {
      outcomes.push({ ...base, verdict: 'deterministic' });
      continue;
    }
    const message = result.error.message;
    outcomes.push({
      ...base,
      verdict: result.error instanceof DeterminismViolationError ? 'nondeterministic' : 'failed',
      divergence: divergenceOf(message, input.history),
      message: conciseMessage(message),
    });
  }
  return outcomes;
}

/** One line per replay, for the terminal. */
export function replayLine(outcome: ReplayOutcome): string {
  if (outcome.verdict === 'deterministic')
    return `✓ ${outcome.label}: deterministic (${outcome.events} events replayed)`;
  const at = outcome.divergence
    ? ` at event ${outcome.divergence.eventId} (${outcome.divergence.eventType}: ${outcome.divergence.recorded})`
    : '';
  const what = outcome.verdict === 'nondeterministic' ? 'diverges' : 'replay failed';
  return `✗ ${outcome.label}: ${what}${at}\n    ${outcome.message ?? ''}`;
}
