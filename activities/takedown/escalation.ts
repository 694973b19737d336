/**
 * The port through which an escalation reaches people. The worker passes a Slack implementation when it has one; until
 * then escalations go to the worker log, which is where `logEscalationNotifier` puts them.
 */
import type { ActionLogger } from '../action';
import type { ReportOutcome, ReportTarget } from './specs';

export interface TakedownEscalation {
  domain: string;
  level: number;
  reason: string;
  reportedAt: string;
  /** Everyone who had the report before this escalation. */
  reportedTo: ReportTarget[];
  /** What this escalation sent, to the provider it added. */
  reports: ReportOutcome[];
}

export interface EscalationNotifier {
  /** Tells the responders; returns where, e.g. `slack:#secops`. */
  notify(escalation: TakedownEscalation, log: ActionLogger): Promise<string>;
}

export const logEscalationNotifier: EscalationNotifier = {
  async notify(escalation, log) {
    const added = escalation.reports.map((report) => `${report.provider}:${report.to} (${report.status})`);
    log.warn(`takedown of ${escalation.domain} escalated (level ${escalation.level}): ${escalation.reason}`, {
      domain: escalation.domain,
      level: escalation.level,
      reportedAt: escalation.reportedAt,
      reportedTo: escalation.reportedTo.map((target) => `${target.provider}:${target.to}`),
      added,
    });
    return 'log';
  },
};
