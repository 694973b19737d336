/**
 * Takedown escalations posted to Slack, where runs post: a monitor follows a domain for days after its run ended, so
 * its escalations go to the default channel (and to the worker log, as before).
 */
import type { WebClient } from '@slack/web-api';
import { logEscalationNotifier, type EscalationNotifier } from '../activities/takedown/escalation';

export function createSlackEscalationNotifier(web: WebClient, channel: string): EscalationNotifier {
  return {
    async notify(escalation, log) {
      await logEscalationNotifier.notify(escalation, log);
      const added = escalation.reports.map((report) => `${report.provider}:${report.to} (${report.status})`);
      const text = [
        `:rotating_light: Takedown of ${escalation.domain} escalated (level ${escalation.level}): ${escalation.reason}`,
        `Reported ${escalation.reportedAt} to ${escalation.reportedTo.map((t) => `${t.provider}:${t.to}`).join(', ')}.`,
        added.length > 0 ? `Now also reported to ${added.join(', ')}.` : 'Every configured provider already had it.',
        `Follow it with \`cordon status takedown-monitor/${escalation.domain}\`.`,
      ].join('\n');
      // A failure fails the activity, whose retry posts again; the reports themselves are never sent twice (ledger).
      await web.chat.postMessage({ channel, text, unfurl_links: false });
      return `slack:${channel}`;
    },
  };
}
