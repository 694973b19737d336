/**
 * The run-level events of a history, read into plain records: the `decide` Updates, the timers, the `evidence`
 * signals, cancellation, the workflow's end, failed workflow tasks, workers and search attributes.
 */
import proto from '@temporalio/proto';
import type { DecideUpdate, TimerRecord } from './approvals';
import {
  decodePayload,
  describeFailure,
  durationMs,
  eventIdOf,
  eventTimeOf,
  firstPayload,
  toNumber,
  type HistoryEvent,
} from './history';
import type { Audit, AuditAlert } from './model';
import { alertRecord, approvalRecord, decisionArgsRecord, readRecord, runResultRecord } from './run-records';

type Warn = (message: string) => void;

/** The accepted `decide` Updates, each with whether its handler completed. */
export function collectDecideUpdates(events: readonly HistoryEvent[], warn: Warn): DecideUpdate[] {
  const updates = new Map<string, DecideUpdate>();
  for (const event of events) {
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const request = accepted.acceptedRequest;
      const updateId = request?.meta?.updateId ?? accepted.protocolInstanceId ?? '';
      if (request?.input?.name !== 'decide') {
        warn(`update ${updateId} (${request?.input?.name ?? 'unnamed'}) is not a cordon decision`);
        continue;
      }
      const args = readRecord(decisionArgsRecord, firstPayload(request.input.args, warn), `decision ${updateId}`, warn);
      if (!args) continue;
      updates.set(updateId, {
        updateId,
        acceptedEventId: eventIdOf(event),
        acceptedAt: eventTimeOf(event),
        clientIdentity: request.meta?.identity || null,
        stepId: args.stepId,
        decision: args.decision,
        approver: args.approver,
        reason: args.reason?.trim() || null,
        succeeded: true,
        failure: null,
        channel: args.proof?.kind === 'slack' ? 'slack' : args.proof?.kind === 'key' ? 'cli' : 'none',
      });
    }
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed?.outcome?.failure) {
      const update = updates.get(completed.meta?.updateId ?? '');
      if (update) {
        update.succeeded = false;
        update.failure = completed.outcome.failure.message ?? null;
      }
    }
  }
  return [...updates.values()];
}

/** The approval states the `decide` Update returned (each a snapshot of its gate). */
export function decideResults(events: readonly HistoryEvent[], warn: Warn) {
  return events.flatMap((event) => {
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (!completed?.outcome?.success) return [];
    const value = firstPayload(completed.outcome.success, warn);
    const approval = readRecord(approvalRecord, value, `the result of update ${completed.meta?.updateId}`, warn);
    return approval ? [{ eventId: eventIdOf(event), approval }] : [];
  });
}

export function collectTimers(events: readonly HistoryEvent[]): TimerRecord[] {
  const timers = new Map<number, TimerRecord>();
  for (const event of events) {
    const started = event.timerStartedEventAttributes;
    if (started) {
      timers.set(eventIdOf(event), {
        startedEventId: eventIdOf(event),
        startedAt: eventTimeOf(event),
        durationMs: durationMs(started.startToFireTimeout),
        outcome: 'pending',
        endedAt: null,
      });
    }
    const ended = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    const timer = ended ? timers.get(toNumber(ended.startedEventId)) : undefined;
    if (timer) {
      timer.outcome = event.timerFiredEventAttributes ? 'fired' : 'cancelled';
      timer.endedAt = eventTimeOf(event);
    }
  }
  return [...timers.values()];
}

/** The signal's names: `alert`, and `evidence` in histories recorded before the rename. */
const ALERT_SIGNALS: readonly string[] = ['alert', 'evidence'];

export function collectAlerts(events: readonly HistoryEvent[], warn: Warn): AuditAlert[] {
  return events.flatMap((event) => {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (!signal) return [];
    if (!ALERT_SIGNALS.includes(signal.signalName ?? '')) {
      warn(`signal "${signal.signalName}" at event ${eventIdOf(event)} is not a cordon signal`);
      return [];
    }
    const record = readRecord(
      alertRecord,
      firstPayload(signal.input, warn),
      `the alert at event ${eventIdOf(event)}`,
      warn,
    );
    if (!record) return [];
    return [
      {
        at: eventTimeOf(event),
        eventId: eventIdOf(event),
        kind: 'signal' as const,
        source: record.source,
        reference: record.reference ?? null,
        summary: record.summary,
        data: record.data ?? null,
        sentBy: signal.identity || null,
      },
    ];
  });
}

function enumName(enumeration: Record<number, string>, value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? (enumeration[value] ?? String(value)) : 'UNSPECIFIED';
}

export function collectTaskFailures(events: readonly HistoryEvent[]): Audit['workflowTaskFailures'] {
  return events.flatMap((event) => {
    const failed = event.workflowTaskFailedEventAttributes;
    if (!failed) return [];
    const cause = enumName(proto.temporal.api.enums.v1.WorkflowTaskFailedCause, failed.cause);
    return [
      {
        eventId: eventIdOf(event),
        at: eventTimeOf(event),
        cause: cause.replace('WORKFLOW_TASK_FAILED_CAUSE_', ''),
        message: failed.failure?.message ?? '',
      },
    ];
  });
}

export function collectWorkers(events: readonly HistoryEvent[]): Audit['run']['workers'] {
  const workers = new Map<string, { identity: string; buildId: string | null }>();
  for (const event of events) {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) continue;
    const worker = { identity: completed.identity ?? '', buildId: completed.workerVersion?.buildId || null };
    workers.set(`${worker.identity}|${worker.buildId}`, worker);
  }
  return [...workers.values()];
}

/** Search attributes at start, with later upserts applied. */
export function collectSearchAttributes(events: readonly HistoryEvent[], warn: Warn): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const event of events) {
    const fields =
      event.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ??
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    for (const [name, payload] of Object.entries(fields ?? {})) attributes[name] = decodePayload(payload, warn);
  }
  return attributes;
}

/** How the workflow ended (or that it has not), with the run result when there is one. */
export function readOutcome(events: readonly HistoryEvent[], warn: Warn): Audit['outcome'] {
  const outcome: Audit['outcome'] = {
    status: 'running',
    runStatus: null,
    at: null,
    result: null,
    failure: null,
    cancelRequested: null,
    closedBy: null,
  };
  const readResult = (value: unknown) => {
    if (value === null || value === undefined) return;
    outcome.result = value;
    outcome.runStatus = readRecord(runResultRecord, value, 'the run result', warn)?.status ?? null;
  };
  for (const event of events) {
    const at = eventTimeOf(event);
    const cancel = event.workflowExecutionCancelRequestedEventAttributes;
    if (cancel) outcome.cancelRequested = { at, by: cancel.identity || null, reason: cancel.cause || null };
    const completed = event.workflowExecutionCompletedEventAttributes;
    if (completed) {
      Object.assign(outcome, { status: 'completed', at });
      readResult(firstPayload(completed.result, warn));
    }
    const failed = event.workflowExecutionFailedEventAttributes;
    if (failed) {
      Object.assign(outcome, { status: 'failed', at, failure: describeFailure(failed.failure) });
      readResult(firstPayload(failed.failure?.applicationFailureInfo?.details, warn));
      outcome.runStatus ??= 'failed';
    }
    const canceled = event.workflowExecutionCanceledEventAttributes;
    if (canceled) {
      Object.assign(outcome, { status: 'cancelled', at, runStatus: 'cancelled' });
      const details = firstPayload(canceled.details, warn);
      if (details !== null) outcome.result = details;
    }
    const terminated = event.workflowExecutionTerminatedEventAttributes;
    if (terminated) {
      const reason = terminated.reason || 'no reason given';
      Object.assign(outcome, {
        status: 'terminated',
        at,
        closedBy: terminated.identity || null,
        failure: { type: 'Terminated', message: reason, nonRetryable: null, cause: null },
      });
    }
    if (event.workflowExecutionTimedOutEventAttributes) {
      Object.assign(outcome, {
        status: 'timed_out',
        at,
        failure: { type: 'Timeout', message: 'the workflow run timed out', nonRetryable: null, cause: null },
      });
    }
    if (event.workflowExecutionContinuedAsNewEventAttributes)
      Object.assign(outcome, { status: 'continued_as_new', at });
  }
  return outcome;
}
