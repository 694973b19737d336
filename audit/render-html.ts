/**
 * The audit as one self-contained HTML page: inline CSS, no scripts, no external resources (a Content Security Policy
 * forbids them), every recorded value escaped. The page carries the digest of the history it was made from and is
 * sealed with the digest of its own text (see integrity.ts), so `cordon audit --verify` can tell whether it changed.
 */
import { formatDuration } from '../dsl/duration';
import { chunkSummary } from './children';
import { emptySeal, REPORT_HISTORY_NAME, REPORT_RUN_NAME, REPORT_WORKFLOW_NAME, sealReport } from './integrity';
import type { ActivityCall, Audit, AuditApproval, AuditStep } from './model';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for double- or single-quoted attributes alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const e = (value: string | number | boolean | null | undefined): string =>
  escapeHtml(value === null || value === undefined ? '' : String(value));

function json(value: unknown): string {
  return `<pre>${e(JSON.stringify(value, null, 2) ?? 'null')}</pre>`;
}

function badge(status: string): string {
  return `<span class="badge ${e(status.replace(/[^a-z_]/g, ''))}">${e(status)}</span>`;
}

function facts(rows: Array<[string, string]>): string {
  return `<table class="facts">${rows.map(([label, html]) => `<tr><th>${e(label)}</th><td>${html}</td></tr>`).join('')}</table>`;
}

function callHtml(call: ActivityCall): string {
  const rows: Array<[string, string]> = [
    ['activity', `<code>${e(call.activityId)}</code> · ${e(call.activityType)}`],
    ['outcome', `${badge(call.outcome)} after ${e(call.attempts ?? 0)} attempt${call.attempts === 1 ? '' : 's'}`],
    ['scheduled', e(call.scheduledAt)],
    ['last attempt started', e(call.startedAt ?? '—')],
    ['ended', e(call.endedAt ?? '—')],
  ];
  if (call.worker) rows.push(['worker', e(call.worker)]);
  if (call.child) {
    rows.push([
      'child workflow',
      `<code>${e(call.child.workflowId)}</code> ${call.child.runId ? `run <code>${e(call.child.runId)}</code>` : ''}`,
    ]);
  }
  const chunk = chunkSummary(call);
  if (chunk) {
    const counts = Object.entries(chunk.byStatus).map(([status, count]) => `${count} ${status}`);
    rows.push([
      'items',
      e(`${chunk.first} to ${chunk.first + chunk.items - 1}: ${counts.join(', ') || 'no result yet'}`),
    ]);
  }
  if (call.error) rows.push(['error', `<strong>${e(call.error.type)}</strong>: ${e(call.error.message)}`]);
  if (call.previousAttemptFailure) {
    rows.push([
      'previous attempt',
      `${e(call.previousAttemptFailure.type)}: ${e(call.previousAttemptFailure.message)}`,
    ]);
  }
  rows.push(['input', json(call.input)]);
  if (call.outcome === 'completed') rows.push(['output', json(call.output)]);
  return `<div class="call">${facts(rows)}</div>`;
}

function stepHtml(step: AuditStep): string {
  const extra = [
    step.name ? `<p>${e(step.name)}</p>` : '',
    step.reason ? `<p class="reason">${e(step.reason)}</p>` : '',
    step.unattendedReason ? `<p class="reason">Runs without approval: ${e(step.unattendedReason)}</p>` : '',
    step.needs.length
      ? `<p class="muted">needs ${step.needs.map((need) => `<code>${e(need)}</code>`).join(', ')}</p>`
      : '',
    step.gated ? '<p class="muted">gated by an approval (see Approvals)</p>' : '',
    step.coveredBy
      ? `<p class="muted">approved with step ${e(step.coveredBy)} (its approval covers this step)</p>`
      : '',
  ].join('');
  const undo = step.undo.length ? `<h4>Undo</h4>${step.undo.map(callHtml).join('')}` : '';
  return `<section class="step" id="step-${e(step.id)}">
<h3>${badge(step.status)} <span class="step-id">${e(step.id)}</span> <span class="muted">${e(step.action)} · ${e(step.impact)}</span></h3>
${extra}${step.calls.map(callHtml).join('') || '<p class="muted">no action was called</p>'}${undo}
</section>`;
}

const TIMER_OUTCOME = { fired: 'expired', cancelled: 'decided in time', pending: 'pending' } as const;

function approvalHtml(approval: AuditApproval): string {
  const rows: Array<[string, string]> = approval.resolutions.map((resolution) => [
    resolution.purpose === 'gate' ? 'asked' : 'escalated to',
    `${e(resolution.resolved.join(', ') || '(nobody)')} <span class="muted">(users: ${e(resolution.users.join(', ') || '—')}; groups: ${e(resolution.groups.join(', ') || '—')})</span>`,
  ]);
  rows.push(
    ['may decide', e(approval.approvers.join(', ') || '(nobody)')],
    ['approvals needed', e(approval.required ?? 1)],
    ['requested', e(approval.requestedAt ?? '—')],
    ['deadline', e(approval.deadline ?? '—')],
    ...approval.timers.map((timer): [string, string] => [
      `${timer.purpose} timer`,
      `deadline of ${e(formatDuration(timer.durationMs))}: ${badge(TIMER_OUTCOME[timer.outcome])} ${e(timer.endedAt ?? '')}`,
    ]),
    ['inputs hash', `<code>${e(approval.inputsHash ?? '—')}</code>`],
    ['inputs', json(approval.input)],
    ['shown to approvers', json(approval.shown)],
  );
  const decisions = approval.decisions.length
    ? `<table class="grid"><tr><th>decision</th><th>by</th><th>at</th><th>reason</th><th>via</th><th>verified</th></tr>${approval.decisions
        .map(
          (decision) =>
            `<tr><td>${badge(decision.decision)}</td><td class="person">${e(decision.person && decision.person !== decision.approver ? `${decision.approver} (${decision.person})` : decision.approver)}</td><td>${e(decision.at)}</td><td>${e(decision.reason ?? '')}</td><td>${e(decision.via === 'timeout' ? 'timeout policy' : `${decision.channel ?? 'client'} ${decision.clientIdentity ?? '?'}, event ${decision.eventId ?? '?'}`)}</td><td>${e(decision.via === 'timeout' ? '' : (decision.verification ?? 'no (recorded before decisions were verified)'))}</td></tr>`,
        )
        .join('')}</table>`
    : '<p class="muted">no decision recorded</p>';
  const refused = approval.refused.length
    ? `<table class="grid"><tr><th>refused</th><th>claimed by</th><th>via</th><th>at</th><th>why</th></tr>${approval.refused
        .map(
          (attempt) =>
            `<tr><td>${badge(attempt.decision)}</td><td class="person">${e(attempt.claimed)}</td><td>${e(attempt.channel)}</td><td>${e(attempt.at)}</td><td>${e(attempt.problem)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  return `<section class="approval" id="approval-${e(approval.stepId)}">
<h3>${badge(approval.status)} approval of <span class="step-id">${e(approval.stepId)}</span> <span class="muted">${e(approval.action)} · ${e(approval.impact)}</span></h3>
${facts(rows)}${decisions}${refused}
</section>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1b1f23;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:16px;margin:16px 0 6px}h4{margin:10px 0 4px}
code,pre,.step-id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.step-id{font-weight:700}pre{background:#f6f8fa;padding:8px;margin:0;white-space:pre-wrap;word-break:break-word;font-size:13px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eaeef2}
.facts th{width:190px;color:#57606a;font-weight:600}.grid th{background:#f6f8fa}
.time{white-space:nowrap}.muted{color:#57606a}.reason{color:#6e4b00}
.step,.approval{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;margin:12px 0}
.call{border-left:3px solid #d0d7de;padding-left:10px;margin:8px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;background:#eaeef2}
.succeeded,.completed,.approved,.approve{background:#dafbe1;color:#116329}
.failed,.rejected,.reject,.undo_failed,.timed_out,.terminated,.expired{background:#ffebe9;color:#a40e26}
.skipped,.cancelled,.undone{background:#fff8c5;color:#7d4e00}
.running,.waiting_approval,.pending,.scheduled,.started{background:#ddf4ff;color:#0550ae}
footer{margin-top:40px;font-size:13px;color:#57606a;border-top:1px solid #d0d7de;padding-top:8px}
@media print{body{max-width:none}.step,.approval{break-inside:avoid}}
`;

export function renderHtml(audit: Audit): string {
  const { run, playbook, outcome, history } = audit;
  const trigger = [run.trigger.kind, run.trigger.source].filter(Boolean).join(':');
  const summary = facts([
    [
      'outcome',
      `${badge(outcome.status)} ${outcome.runStatus && outcome.runStatus !== outcome.status ? badge(outcome.runStatus) : ''} ${e(outcome.at ?? 'still running')}`,
    ],
    ...(outcome.failure
      ? [['failure', `${e(outcome.failure.type)}: ${e(outcome.failure.message)}`] as [string, string]]
      : []),
    ...(outcome.cancelRequested
      ? [
          [
            'cancellation',
            `requested at ${e(outcome.cancelRequested.at)} by ${e(outcome.cancelRequested.by ?? '?')}`,
          ] as [string, string],
        ]
      : []),
    ['workflow id', `<code>${e(run.workflowId)}</code>`],
    ['run id', `<code>${e(run.runId ?? '?')}</code>`],
    [
      'requested by',
      `<span class="person">${e(run.requester)}</span> via ${e(trigger)}${run.trigger.reference ? ` (reference ${e(run.trigger.reference)})` : ''}`,
    ],
    ['subject', e(run.subject ?? '—')],
    ['incident', e(run.incidentId ?? '—')],
    ['playbook', `${e(playbook.id)} v${e(playbook.version)} — ${e(playbook.title)}`],
    [
      'playbook sha256',
      `<code>${e(playbook.sha256)}</code> ${playbook.sourceMatchesSha256 ? '(the recorded source matches)' : '<strong>(the recorded source does NOT match)</strong>'}`,
    ],
    ['started', `${e(run.startedAt)} by client ${e(run.startedBy ?? '?')}`],
    ['ended', e(run.endedAt ?? '—')],
    ['workers', e(run.workers.map((worker) => `${worker.identity} ${worker.buildId ?? ''}`).join('; ') || '—')],
    ['inputs', json(run.inputs)],
  ]);
  const timeline = `<table class="grid"><tr><th>time</th><th>what happened</th></tr>${audit.timeline
    .map((entry) => `<tr><td class="time"><code>${e(entry.at)}</code></td><td>${e(entry.text)}</td></tr>`)
    .join('')}</table>`;
  const alerts = audit.alerts.length
    ? `<table class="grid"><tr><th>time</th><th>source</th><th>summary</th><th>data</th></tr>${audit.alerts
        .map(
          (item) =>
            `<tr><td>${e(item.at)}</td><td>${e(item.source)} ${e(item.reference ?? '')}</td><td>${e(item.summary)}</td><td>${json(item.data)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p class="muted">no alert was attached</p>';
  const notes = audit.notifications;
  const warnings = audit.warnings.length
    ? `<h2>Warnings</h2><ul>${audit.warnings.map((warning) => `<li>${e(warning)}</li>`).join('')}</ul>`
    : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${REPORT_WORKFLOW_NAME}" content="${e(run.workflowId)}">
<meta name="${REPORT_RUN_NAME}" content="${e(run.runId ?? '')}">
<meta name="${REPORT_HISTORY_NAME}" content="${e(history.sha256)}">
${emptySeal()}
<title>Audit: ${e(playbook.title)} — ${e(run.workflowId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Audit: ${e(playbook.title)}</h1>
<p class="muted"><code>${e(run.workflowId)}</code> · generated ${e(audit.generatedAt)} · audit format ${e(audit.auditVersion)}</p>
<h2>Summary</h2>
${summary}
<h2>Timeline</h2>
${timeline}
<h2>Steps</h2>
${audit.steps.map(stepHtml).join('\n')}
<h2>Approvals</h2>
${audit.approvals.map(approvalHtml).join('\n') || '<p class="muted">no approval was requested</p>'}
<h2>Alerts</h2>
${alerts}
<h2>Notifications</h2>
<p>${e(notes.sent)} sent, ${e(notes.failed)} failed, ${e(notes.pending)} pending: ${e(
    Object.entries(notes.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ') || 'none',
  )}</p>
${warnings}
<h2>Playbook source</h2>
<p class="muted">${e(playbook.file ?? '')} · ${e(playbook.id)} v${e(playbook.version)} · interpreter ${e(playbook.interpreter)} · onFailure ${e(playbook.onFailure)}</p>
<pre class="source">${e(playbook.source)}</pre>
<footer>
<p>Made from a workflow history of ${e(history.events)} events (${e(history.firstEventAt)} to ${e(history.lastEventAt)}), read from ${e(history.source)}.</p>
<p>History sha256: <code>${e(history.sha256)}</code>. This page is sealed: check it with <code>cordon audit --verify FILE</code>.</p>
<p>Redaction: ${e(audit.redaction.redacted.length)} value(s). ${e(audit.redaction.rule)}</p>
</footer>
</body>
</html>
`;
  return sealReport(html);
}
