/**
 * Builds the audit of one run from its history alone: the plan and its source from WorkflowExecutionStarted, each
 * step's calls from the ActivityTask* events, approvals from the `decide` Updates and the gate's own records, alert
 * signals, and how the run ended. The result is redacted and checked against the documented schema before any
 * renderer sees it, so every format shows the same, redacted facts.
 */
import { sourceHash } from '../dsl/compile';
import { collectActivityCalls } from './activities';
import { buildApprovals, type ApprovalSnapshot } from './approvals';
import { CHUNK_WORKFLOW, collectChildCalls } from './children';
import { AuditError, eventTimeOf, firstPayload, type HistoryEvent, type RunHistory } from './history';
import { historyDigest } from './integrity';
import { AUDIT_VERSION, auditSchema, type ActivityCall, type Audit, type AuditApproval, type AuditStep } from './model';
import { REDACTION_RULE, SECRET_KEY_FRAGMENTS, SECRET_KEY_NAMES, redactSource, redactValue } from './redact';
import {
  collectDecideUpdates,
  collectAlerts,
  collectSearchAttributes,
  collectTaskFailures,
  collectTimers,
  collectWorkers,
  decideResults,
  readOutcome,
} from './run-events';
import {
  notifyRecord,
  readRecord,
  runInputRecord,
  runResultRecord,
  type PlanStepRecord,
  type RunInputRecord,
  type RunStateRecord,
} from './run-records';
import { collectSnapshots } from './snapshots';
import { timelineOf } from './timeline-entries';

const LIVE_STATUSES = new Set(['pending', 'running', 'waiting_approval']);
const OWN_ROLES = new Set<ActivityCall['role']>(['action', 'item', 'chunk']);

/** The run's id as its first notification recorded it, for a history that came without one. */
function firstStateOf(events: readonly HistoryEvent[], warn: (message: string) => void): RunStateRecord | undefined {
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'cordon.notify') continue;
    return notifyRecord.safeParse(firstPayload(scheduled.input, warn)).data?.event.state;
  }
  return undefined;
}

function runInputOf(run: RunHistory, warn: (message: string) => void): RunInputRecord {
  const started = run.history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const label = run.workflowId ?? run.source;
  if (!started) throw new AuditError(`the history of ${label} does not begin with WorkflowExecutionStarted`);
  if (started.workflowType?.name === CHUNK_WORKFLOW) {
    throw new AuditError(
      `${label} is a slice of a large forEach (${CHUNK_WORKFLOW}), not a run: audit the run that started it, whose step lists each item's outcome`,
    );
  }
  const parsed = runInputRecord.safeParse(firstPayload(started.input, warn));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuditError(
      `the history of ${label} is not a cordon run: its input is not a compiled playbook (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

function deriveStatus(calls: ActivityCall[], approval: AuditApproval | undefined): string {
  if (calls.some((call) => call.outcome === 'failed' || call.outcome === 'timed_out')) return 'failed';
  if (calls.length > 0 && calls.every((call) => call.outcome === 'completed')) return 'succeeded';
  if (calls.length > 0) return 'running';
  if (approval?.status === 'pending') return 'waiting_approval';
  if (approval?.status === 'rejected') return 'rejected';
  return 'pending';
}

function latest(times: Array<string | null | undefined>): string | null {
  const known = times.filter((time): time is string => Boolean(time)).sort();
  return known.at(-1) ?? null;
}

function buildStep(
  step: PlanStepRecord,
  calls: ActivityCall[],
  approval: AuditApproval | undefined,
  final: { status: string; reason?: string; startedAt?: string; endedAt?: string } | undefined,
): AuditStep {
  const own = calls.filter((call) => call.stepId === step.id && OWN_ROLES.has(call.role));
  const undo = calls.filter((call) => call.stepId === step.id && call.role === 'undo');
  const status = final?.status ?? deriveStatus(own, approval);
  const live = LIVE_STATUSES.has(status);
  return {
    id: step.id,
    name: step.name ?? null,
    action: step.action,
    impact: step.impact,
    needs: step.needs,
    gated: Boolean(step.approval),
    unattendedReason: step.unattended?.reason ?? null,
    coveredBy: step.coveredBy ?? null,
    forEach: Boolean(step.forEach),
    status,
    reason: final?.reason ?? null,
    startedAt: own[0]?.scheduledAt ?? (final?.startedAt ? new Date(final.startedAt).toISOString() : null),
    endedAt: live
      ? null
      : (latest(own.map((call) => call.endedAt)) ?? (final?.endedAt ? new Date(final.endedAt).toISOString() : null)),
    attempts: own.reduce((sum, call) => sum + (call.attempts ?? 0), 0),
    calls: own,
    undo,
  };
}

/** The audit of a run; throws `AuditError` when the history is not a cordon run. */
export function buildAudit(run: RunHistory, now: Date = new Date()): Audit {
  const events = run.history.events ?? [];
  if (events.length === 0) throw new AuditError(`the history of ${run.workflowId ?? run.source} is empty`);
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
  };
  const input = runInputOf(run, warn);
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const { plan } = input;

  const workflowId = run.workflowId ?? firstStateOf(events, warn)?.workflowId;
  const calls = [
    ...collectActivityCalls(events, new Set(plan.steps.map((step) => step.id)), warn),
    ...collectChildCalls(events, plan.steps, workflowId, warn),
  ].sort((a, b) => a.scheduledEventId - b.scheduledEventId);
  const notifications = calls.filter((call) => call.activityType === 'cordon.notify');
  const snapshots: Array<{ eventId: number; state: RunStateRecord; approval?: ApprovalSnapshot['approval'] }> = [];
  const byKind: Record<string, number> = {};
  for (const call of notifications) {
    const record = readRecord(notifyRecord, call.input, `notification ${call.activityId}`, warn);
    if (!record) continue;
    byKind[record.event.kind] = (byKind[record.event.kind] ?? 0) + 1;
    snapshots.push({ eventId: call.scheduledEventId, state: record.event.state, approval: record.event.approval });
  }
  const approvalSnapshots: ApprovalSnapshot[] = [
    ...snapshots.flatMap(({ eventId, state, approval }) => [
      ...state.approvals.map((entry) => ({ eventId, approval: entry })),
      ...(approval ? [{ eventId, approval }] : []),
    ]),
    ...decideResults(events, warn),
  ];
  const approvals = buildApprovals(
    {
      steps: plan.steps,
      snapshots: approvalSnapshots,
      updates: collectDecideUpdates(events, warn),
      resolveCalls: calls.filter((call) => call.activityType === 'cordon.resolve_approvers'),
      timers: collectTimers(events),
    },
    warn,
  );

  const outcome = readOutcome(events, warn);
  const result = outcome.result === null ? undefined : runResultRecord.safeParse(outcome.result).data;
  const lastState = snapshots.at(-1)?.state;
  const steps = plan.steps.map((step) => {
    const final =
      result?.steps.find((entry) => entry.id === step.id) ?? lastState?.steps.find((entry) => entry.id === step.id);
    const fromState = lastState?.steps.find((entry) => entry.id === step.id);
    const merged = final ? { ...fromState, ...final } : undefined;
    return buildStep(
      step,
      calls,
      approvals.find((approval) => approval.stepId === step.id),
      merged,
    );
  });

  const source = redactSource(plan.source);
  const startedAt = eventTimeOf(events[0] ?? {});
  const lastEventAt = eventTimeOf(events.at(-1) ?? {});
  const audit: Omit<Audit, 'redaction'> = {
    auditVersion: AUDIT_VERSION,
    generatedAt: now.toISOString(),
    history: {
      sha256: historyDigest(run.history),
      events: events.length,
      firstEventAt: startedAt,
      lastEventAt,
      source: run.source,
    },
    run: {
      workflowId: workflowId ?? '(unknown)',
      runId: run.runId ?? started?.originalExecutionRunId ?? null,
      workflowType: started?.workflowType?.name ?? '',
      taskQueue: started?.taskQueue?.name ?? '',
      startedAt,
      endedAt: outcome.at,
      durationMs: outcome.at ? Date.parse(outcome.at) - Date.parse(startedAt) : null,
      startedBy: started?.identity || null,
      requester: input.requester,
      trigger: {
        kind: input.trigger.kind,
        source: input.trigger.source ?? null,
        reference: input.trigger.reference ?? null,
        channel: input.trigger.channel ?? null,
      },
      subject: input.subject ?? null,
      incidentId: input.incidentId ?? null,
      inputs: input.inputs,
      searchAttributes: collectSearchAttributes(events, warn),
      workers: collectWorkers(events),
    },
    playbook: {
      id: plan.id,
      version: plan.version,
      title: plan.title,
      description: plan.description ?? null,
      file: plan.file ?? null,
      interpreter: plan.interpreter,
      onFailure: plan.onFailure,
      sha256: plan.sha256,
      sourceMatchesSha256: sourceHash(plan.source) === plan.sha256,
      source,
    },
    steps,
    approvals,
    alerts: collectAlerts(events, warn),
    snapshots: collectSnapshots(calls, warn),
    outcome,
    notifications: {
      sent: notifications.filter((call) => call.outcome === 'completed').length,
      failed: notifications.filter((call) => ['failed', 'timed_out', 'cancelled'].includes(call.outcome)).length,
      pending: notifications.filter((call) => call.outcome === 'scheduled' || call.outcome === 'started').length,
      byKind,
    },
    otherActivities: calls.filter((call) => call.role === 'other'),
    workflowTaskFailures: collectTaskFailures(events),
    timeline: [],
    warnings,
  };
  audit.timeline = timelineOf(audit);

  const redacted: string[] = source === plan.source ? [] : ['/playbook/source'];
  const safe = redactValue(audit, redacted);
  const checked = auditSchema.safeParse({
    ...(typeof safe === 'object' ? safe : {}),
    redaction: { rule: REDACTION_RULE, keys: [...SECRET_KEY_FRAGMENTS, ...SECRET_KEY_NAMES], redacted },
  });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new AuditError(
      `the audit of ${audit.run.workflowId} does not match its schema: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return checked.data;
}
