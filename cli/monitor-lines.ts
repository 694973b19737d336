/** Terminal rendering of a takedown monitor: what it checked, whom it told, and how it ended. */
import type { TakedownMonitorSummary } from '../workflows/takedown-monitor-state';

const target = (t: { provider: string; to: string }) => `${t.provider}:${t.to}`;

/** One line for `cordon list`. */
export function monitorBrief(summary: TakedownMonitorSummary): string {
  const last = summary.lastCheck
    ? `, last check ${summary.lastCheck.verdict ?? (summary.lastCheck.up ? 'up' : 'not up')}`
    : '';
  return (
    `takedown of ${summary.domain} ${summary.outcome}: ${summary.checks} checks${last}, ` +
    `${summary.reportedTo.length} recipients, ${summary.reminders.length} reminders, ${summary.escalations.length} escalations`
  );
}

/** The lines of `cordon status takedown-monitor/<domain>`. */
export function monitorLines(workflowId: string, summary: TakedownMonitorSummary): string[] {
  const last = summary.lastCheck;
  return [
    `${workflowId}: takedown monitor of ${summary.domain}, ${summary.outcome}` +
      (summary.endedAt ? ` (ended ${summary.endedAt})` : ` (since ${summary.monitoredFrom})`),
    `  reported ${summary.reportedAt} to ${summary.reportedTo.map(target).join(', ') || 'nobody'}`,
    `  checks: ${summary.checks} (${summary.inconclusiveChecks} inconclusive)` +
      (last ? `; last at ${last.at}: ${last.verdict ?? (last.up ? 'up' : 'not up')}, ${last.description}` : ''),
    ...(summary.downAt ? [`  down since ${summary.downAt} (confirmed ${summary.confirmedDownAt ?? '?'})`] : []),
    `  reminders: ${summary.reminders.length}`,
    ...summary.reminders.map(
      (reminder) => `    #${reminder.number} at ${reminder.at} to ${reminder.sentTo.join(', ') || 'nobody (failed)'}`,
    ),
    `  escalations: ${summary.escalations.length}`,
    ...summary.escalations.map(
      (escalation) =>
        `    level ${escalation.level} at ${escalation.at}: added ${escalation.addedTo.join(', ') || 'nobody'}` +
        (escalation.notifiedVia ? `, told ${escalation.notifiedVia}` : ''),
    ),
    ...(summary.problems.length > 0 ? ['  problems:', ...summary.problems.map((problem) => `    ${problem}`)] : []),
    ...(summary.outcome === 'monitoring' ? [`  stop it: cordon cancel ${workflowId}`] : []),
  ];
}
