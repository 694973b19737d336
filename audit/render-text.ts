/** The audit for a terminal: a header, the timeline, then steps, approvals, alerts and the playbook source. */
import { formatDuration } from '../dsl/duration';
import { oneLine, truncate } from '../runs/brief';
import { stepMark } from '../runs/step-marks';
import { chunkSummary } from './children';
import type { ActivityCall, Audit, AuditApproval, AuditStep } from './model';

/** A value in the audit's lines: `null` is shown, since an auditor should see that a call returned it. */
function shown(value: unknown, limit = 240): string {
  return truncate(oneLine(value), limit);
}

function indentedJson(value: unknown, indent: string): string[] {
  return (JSON.stringify(value, null, 2) ?? '').split('\n').map((line) => `${indent}${line}`);
}

function seconds(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function span(from: string | null, to: string | null): string {
  if (!from) return '';
  return to ? `${from} → ${to} (${seconds(Date.parse(to) - Date.parse(from))})` : `${from} →`;
}

function callLines(call: ActivityCall, indent: string): string[] {
  const attempts = call.attempts ? `, ${call.attempts} attempt${call.attempts === 1 ? '' : 's'}` : '';
  const head = `${indent}${call.activityId}  ${call.activityType}  ${call.outcome}${attempts}  ${span(call.scheduledAt, call.endedAt)}`;
  const chunk = chunkSummary(call);
  const lines = chunk
    ? [
        head,
        `${indent}  items   ${chunk.first} to ${chunk.first + chunk.items - 1}: ${
          Object.entries(chunk.byStatus)
            .map(([status, count]) => `${count} ${status}`)
            .join(', ') || 'no result yet'
        }`,
      ]
    : [head, `${indent}  input   ${shown(call.input)}`];
  if (call.outcome === 'completed' && !chunk) lines.push(`${indent}  output  ${shown(call.output)}`);
  if (call.child)
    lines.push(
      `${indent}  child   workflow ${call.child.workflowId}${call.child.runId ? ` run ${call.child.runId}` : ''}`,
    );
  if (call.error) lines.push(`${indent}  error   ${call.error.type}: ${call.error.message}`);
  if (call.previousAttemptFailure) {
    lines.push(`${indent}  before  ${call.previousAttemptFailure.type}: ${call.previousAttemptFailure.message}`);
  }
  if (call.worker) lines.push(`${indent}  worker  ${call.worker}`);
  return lines;
}

function stepLines(step: AuditStep): string[] {
  const impact = `${step.action} (${step.impact})`;
  const lines = [
    `  ${stepMark(step.status)} ${step.id.padEnd(16)} ${impact.padEnd(32)} ${step.status}${step.reason ? `: ${step.reason}` : ''}`,
  ];
  if (step.name) lines.push(`      ${step.name}`);
  if (step.unattendedReason) lines.push(`      runs without approval: ${step.unattendedReason}`);
  if (step.coveredBy)
    lines.push(`      approved with step "${step.coveredBy}" (its approval covers this step's inputs)`);
  for (const call of step.calls) lines.push(...callLines(call, '      '));
  if (step.undo.length > 0) lines.push('      undo:', ...step.undo.flatMap((call) => callLines(call, '        ')));
  return lines;
}

function approvalLines(approval: AuditApproval): string[] {
  const lines = [`  step ${approval.stepId} (${approval.action}, ${approval.impact}): ${approval.status}`];
  for (const resolution of approval.resolutions) {
    const from = [
      resolution.users.length ? `users ${resolution.users.join(', ')}` : '',
      resolution.groups.length ? `groups ${resolution.groups.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(
      `    ${(resolution.purpose === 'gate' ? 'asked' : 'escalated to').padEnd(12)} ${resolution.resolved.join(', ') || '(nobody)'}  (resolved from ${from.join('; ')})`,
    );
  }
  lines.push(
    `    may decide   ${approval.approvers.join(', ') || '(nobody)'}; ${approval.required ?? 1} approval(s) needed`,
  );
  if (approval.requestedAt)
    lines.push(`    requested    ${approval.requestedAt}, deadline ${approval.deadline ?? '?'}`);
  for (const timer of approval.timers) {
    const ended = timer.endedAt ? ` at ${timer.endedAt}` : '';
    const what = { fired: 'expired', cancelled: 'decided in time', pending: 'pending' }[timer.outcome];
    lines.push(`    timer        ${timer.purpose} deadline of ${formatDuration(timer.durationMs)}: ${what}${ended}`);
  }
  if (approval.decisions.length === 0 && approval.status !== 'pending')
    lines.push('    decided      nobody: the run ended first');
  for (const decision of approval.decisions) {
    const client = decision.clientIdentity ? ` (client ${decision.clientIdentity})` : '';
    const who =
      decision.person && decision.person !== decision.approver
        ? `${decision.approver} (${decision.person})`
        : decision.approver;
    lines.push(
      `    decided      ${decision.decision} by ${who} at ${decision.at}${decision.via === 'timeout' ? ' (timeout policy)' : client}${decision.reason ? `: "${decision.reason}"` : ''}`,
    );
    if (decision.via === 'human') {
      lines.push(
        `    verified     ${decision.verification ? `via ${decision.channel ?? '?'}: ${decision.verification}` : 'no: recorded before decisions were verified'}`,
      );
    }
  }
  for (const refused of approval.refused) {
    lines.push(
      `    refused      ${refused.decision} claimed by ${refused.claimed} via ${refused.channel} at ${refused.at}: ${refused.problem}`,
    );
  }
  if (approval.inputsHash) lines.push(`    inputs hash  ${approval.inputsHash}`);
  lines.push(`    inputs       ${shown(approval.input)}`);
  for (const [label, value] of Object.entries(approval.shown)) lines.push(`    shown        ${label}: ${shown(value)}`);
  for (const effect of approval.effects) lines.push(`    effect       ${effect.stepId}: ${effect.summary}`);
  return lines;
}

export function renderText(audit: Audit): string[] {
  const { run, playbook, outcome, history } = audit;
  const trigger = [run.trigger.kind, run.trigger.source].filter(Boolean).join(':');
  const lines = [
    `Audit of ${run.workflowId}`,
    `  run          ${run.runId ?? '?'} (${run.workflowType} on task queue ${run.taskQueue})`,
    `  outcome      ${outcome.status}${outcome.runStatus && outcome.runStatus !== outcome.status ? ` (${outcome.runStatus})` : ''}${outcome.at ? ` at ${outcome.at}, after ${seconds(run.durationMs)}` : ''}`,
    ...(outcome.failure ? [`  failure      ${outcome.failure.type}: ${outcome.failure.message}`] : []),
    ...(outcome.cancelRequested
      ? [`  cancelled    requested at ${outcome.cancelRequested.at} by ${outcome.cancelRequested.by ?? '?'}`]
      : []),
    `  playbook     ${playbook.id} v${playbook.version}, "${playbook.title}"${playbook.file ? ` from ${playbook.file}` : ''}`,
    `  sha256       ${playbook.sha256} (${playbook.sourceMatchesSha256 ? 'the recorded source matches it' : 'THE RECORDED SOURCE DOES NOT MATCH IT'})`,
    `  requested by ${run.requester} via ${trigger}${run.trigger.reference ? ` (reference ${run.trigger.reference})` : ''}${run.trigger.channel ? ` in ${run.trigger.channel}` : ''}`,
    ...(run.subject || run.incidentId
      ? [`  subject      ${run.subject ?? '-'}${run.incidentId ? `; incident ${run.incidentId}` : ''}`]
      : []),
    `  inputs       ${shown(run.inputs, 400)}`,
    `  started by   client ${run.startedBy ?? '?'} at ${run.startedAt}`,
    `  workers      ${run.workers.map((worker) => `${worker.identity}${worker.buildId ? ` (${worker.buildId})` : ''}`).join(', ') || '(none yet)'}`,
    `  history      ${history.events} events, sha256 ${history.sha256}, read from ${history.source}`,
    '',
    'Timeline',
    ...audit.timeline.map((entry) => `  ${entry.at}  ${entry.text}`),
    '',
    'Steps',
    ...audit.steps.flatMap(stepLines),
  ];
  if (audit.approvals.length > 0) lines.push('', 'Approvals', ...audit.approvals.flatMap(approvalLines));
  if (audit.alerts.length > 0) {
    lines.push(
      '',
      'Alerts',
      ...audit.alerts.map(
        (item) =>
          `  ${item.at}  ${item.source}${item.reference ? ` (${item.reference})` : ''}: ${item.summary}${item.data ? `  ${shown(item.data)}` : ''}`,
      ),
    );
  }
  if (audit.snapshots.length > 0) {
    lines.push(
      '',
      'Snapshots kept before containment',
      // Shown whole: they are what containment erased.
      ...audit.snapshots.flatMap((item) => [
        `  ${item.at}  ${item.action} (${item.call}): ${item.summary}`,
        ...indentedJson(item.data, '      '),
      ]),
    );
  }
  const kinds = Object.entries(audit.notifications.byKind).map(([kind, count]) => `${kind} ${count}`);
  lines.push(
    '',
    `Notifications  ${audit.notifications.sent} sent (${kinds.join(', ') || 'none'}), ${audit.notifications.failed} failed, ${audit.notifications.pending} pending`,
  );
  if (audit.otherActivities.length > 0) {
    lines.push('', 'Activities outside the plan', ...audit.otherActivities.flatMap((call) => callLines(call, '  ')));
  }
  if (audit.workflowTaskFailures.length > 0) {
    lines.push(
      '',
      'Failed workflow tasks',
      ...audit.workflowTaskFailures.map((f) => `  ${f.at}  event ${f.eventId} ${f.cause}: ${f.message}`),
    );
  }
  if (audit.warnings.length > 0) lines.push('', 'Warnings', ...audit.warnings.map((warning) => `  ${warning}`));
  lines.push(
    '',
    `Redaction  ${audit.redaction.redacted.length} value(s) redacted. ${audit.redaction.rule}`,
    '',
    `Playbook source (${playbook.id} v${playbook.version})`,
    ...playbook.source
      .trimEnd()
      .split('\n')
      .map((line) => `  | ${line}`),
  );
  return lines;
}

/** One line per run, for `cordon audit --query`. */
export function summaryLine(audit: Audit): string {
  const decisions = audit.approvals.flatMap((approval) =>
    approval.decisions.map((decision) => `${approval.stepId} ${decision.decision}d by ${decision.approver}`),
  );
  return [
    audit.run.startedAt,
    `${audit.outcome.status}${audit.outcome.runStatus ? `/${audit.outcome.runStatus}` : ''}`.padEnd(20),
    audit.run.workflowId,
    `${audit.playbook.id} v${audit.playbook.version}`,
    `requested by ${audit.run.requester} (${audit.run.trigger.kind})`,
    decisions.length ? decisions.join('; ') : 'no decisions',
  ].join('  ');
}
