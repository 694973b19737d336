/**
 * The audit as one list in time order: what a person reads first. Each line names steps, people and outcomes, never
 * input or output values (those stay in their structured fields, where redaction by key name applies).
 */
import { chunkSummary } from './children';
import type { Audit, TimelineEntry } from './model';

const UNDO_STATUSES = new Set(['undone', 'undo_failed']);

/** Order of entries at the same instant: a decision before the step it ends or starts, an end before a start. */
const SAME_TIME_ORDER: Record<TimelineEntry['kind'], number> = {
  run_started: 0,
  alert: 1,
  snapshot: 1,
  approval_requested: 1,
  approval_escalated: 1,
  approval_decided: 1,
  cancel_requested: 1,
  workflow_task_failed: 1,
  step_ended: 2,
  undo: 3,
  step_started: 4,
  attempt_failed: 4,
  run_ended: 9,
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function stepEntries(audit: Omit<Audit, 'redaction'>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const step of audit.steps) {
    const first = step.calls[0];
    if (step.startedAt) {
      const chunks = step.calls.map(chunkSummary).filter((chunk) => chunk !== undefined);
      const items = chunks.length
        ? `${plural(
            chunks.reduce((sum, chunk) => sum + chunk.items, 0),
            'item',
          )} in ${plural(chunks.length, 'child workflow')}`
        : plural(step.calls.length, 'item');
      const what = step.forEach ? `${step.action} over ${items}` : step.action;
      entries.push({
        at: step.startedAt,
        eventId: first?.scheduledEventId ?? null,
        kind: 'step_started',
        stepId: step.id,
        text: `step ${step.id} started: ${what}`,
      });
    }
    for (const call of step.calls) {
      if (call.previousAttemptFailure && call.startedAt && call.attempts) {
        entries.push({
          at: call.startedAt,
          eventId: null,
          kind: 'attempt_failed',
          stepId: step.id,
          text: `${call.activityId}: attempt ${call.attempts - 1} failed (${call.previousAttemptFailure.type}: ${call.previousAttemptFailure.message}); attempt ${call.attempts} started`,
        });
      }
    }
    if (step.endedAt) {
      const failure = step.calls.find((call) => call.error)?.error;
      const detail =
        step.reason ?? (step.status === 'failed' && failure ? `${failure.type}: ${failure.message}` : null);
      const attempts = step.attempts > step.calls.length ? ` after ${plural(step.attempts, 'attempt')}` : '';
      // An undone step first succeeded; its undo has entries of its own, later.
      const status = UNDO_STATUSES.has(step.status)
        ? `succeeded (later ${step.status.replace('_', ' ')})`
        : step.status;
      entries.push({
        at: step.endedAt,
        eventId: null,
        kind: 'step_ended',
        stepId: step.id,
        text: `step ${step.id} ${status}${attempts}${detail ? `: ${detail}` : ''}`,
      });
    }
    for (const call of step.undo) {
      entries.push({
        at: call.endedAt ?? call.scheduledAt,
        eventId: call.scheduledEventId,
        kind: 'undo',
        stepId: step.id,
        text: `${call.activityId} by ${call.activityType}: ${call.outcome}${call.error ? ` (${call.error.type}: ${call.error.message})` : ''}`,
      });
    }
  }
  return entries;
}

function approvalEntries(audit: Omit<Audit, 'redaction'>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const approval of audit.approvals) {
    if (approval.requestedAt) {
      const gate = approval.resolutions.find((resolution) => resolution.purpose === 'gate');
      const asked = gate ? gate.resolved.filter((person) => person !== audit.run.requester) : approval.approvers;
      entries.push({
        at: approval.requestedAt,
        eventId: null,
        kind: 'approval_requested',
        stepId: approval.stepId,
        text: `approval of step ${approval.stepId} requested from ${asked.join(', ') || 'nobody'} (${approval.required ?? 1} needed)`,
      });
    }
    const escalation = approval.resolutions.find((resolution) => resolution.purpose === 'escalation');
    if (approval.escalated) {
      const fired = approval.timers.find((timer) => timer.purpose === 'gate' && timer.outcome === 'fired');
      entries.push({
        at: fired?.endedAt ?? escalation?.at ?? approval.requestedAt ?? audit.run.startedAt,
        eventId: null,
        kind: 'approval_escalated',
        stepId: approval.stepId,
        text: `no decision on step ${approval.stepId} in time; escalated to ${escalation?.resolved.join(', ') || 'the escalation approvers'}`,
      });
    }
    for (const decision of approval.decisions) {
      const verb = decision.decision === 'approve' ? 'approved' : 'rejected';
      const who = decision.via === 'timeout' ? 'the timeout policy' : decision.approver;
      entries.push({
        at: decision.at,
        eventId: decision.eventId,
        kind: 'approval_decided',
        stepId: approval.stepId,
        text: `step ${approval.stepId} ${verb} by ${who}${decision.reason ? `: ${decision.reason}` : ''}`,
      });
    }
  }
  return entries;
}

export function timelineOf(audit: Omit<Audit, 'redaction'>): TimelineEntry[] {
  const { run, playbook, outcome } = audit;
  const trigger = [run.trigger.kind, run.trigger.source].filter(Boolean).join(':');
  const entries: TimelineEntry[] = [
    {
      at: run.startedAt,
      eventId: 1,
      kind: 'run_started',
      stepId: null,
      text: `run of ${playbook.id} v${playbook.version} started for ${run.requester} via ${trigger}${run.subject ? `, subject ${run.subject}` : ''}`,
    },
    ...stepEntries(audit),
    ...approvalEntries(audit),
    ...audit.alerts.map((alert) => ({
      at: alert.at,
      eventId: alert.eventId,
      kind: 'alert' as const,
      stepId: null,
      text: `alert from ${alert.source}${alert.reference ? ` (${alert.reference})` : ''}: ${alert.summary}`,
    })),
    ...audit.snapshots.map((snapshot) => ({
      at: snapshot.at,
      eventId: snapshot.eventId,
      kind: 'snapshot' as const,
      stepId: null,
      text: `snapshot kept by ${snapshot.action} (${snapshot.call}): ${snapshot.summary}`,
    })),
    ...audit.workflowTaskFailures.map((failure) => ({
      at: failure.at,
      eventId: failure.eventId,
      kind: 'workflow_task_failed' as const,
      stepId: null,
      text: `a workflow task failed (${failure.cause}): ${failure.message}`,
    })),
  ];
  if (outcome.cancelRequested) {
    entries.push({
      at: outcome.cancelRequested.at,
      eventId: null,
      kind: 'cancel_requested',
      stepId: null,
      text: `cancellation requested${outcome.cancelRequested.by ? ` by ${outcome.cancelRequested.by}` : ''}`,
    });
  }
  if (outcome.at) {
    const detail = outcome.failure ? `: ${outcome.failure.message}` : '';
    entries.push({
      at: outcome.at,
      eventId: audit.history.events,
      kind: 'run_ended',
      stepId: null,
      text: `run ${outcome.status}${outcome.runStatus && outcome.runStatus !== outcome.status ? ` (${outcome.runStatus})` : ''}${detail}`,
    });
  }
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        a.entry.at.localeCompare(b.entry.at) ||
        SAME_TIME_ORDER[a.entry.kind] - SAME_TIME_ORDER[b.entry.kind] ||
        a.index - b.index,
    )
    .map(({ entry }) => entry);
}
