/**
 * `cordon demo takedown`: a phishing-domain takedown end to end on an embedded, throw-away dev server and the local
 * stand-ins (DNS, RDAP, SMTP, the phishing site, Netcraft), no credentials needed. It finds the abuse contacts, has a
 * simulated second responder approve the report, sends it, and lets the monitor remind and escalate while the site is
 * up; then the demo flips the domain to NXDOMAIN (a registrar's hold) and the monitor ends, calling it down.
 */
import { existingId } from '../../runs/pseudonymous-ids';
import type { takedownMonitor } from '../../workflows/takedown-monitor';
import { startTakedownStandIns, type TakedownStandIns } from '../../stand-ins/takedown';
import { startDevServer } from '../../temporal/dev-server';
import { takedownMonitorStatusQuery } from '../../workflows/takedown-monitor-messages';
import type { TakedownMonitorSummary } from '../../workflows/takedown-monitor-state';
import { buildServices } from '../../worker';
import type { CliContext } from '../context';
import { monitorLines } from '../monitor-lines';
import { SIMULATED_RESPONDER } from '../../runs/simulated-responder';
import { demoConfig, printRun, runDemoPlaybook } from './demo-run';
import { temporalCli } from './up';

const DOMAIN = 'okta-sso-login.com';

function printMail(standIns: TakedownStandIns, context: CliContext, from: number): number {
  for (const mail of standIns.smtp.messages.slice(from)) {
    context.out(`  (mail) to ${mail.envelope.to.join(', ')}: ${mail.subject}`);
  }
  return standIns.smtp.messages.length;
}

export async function runTakedownDemo(context: CliContext): Promise<number> {
  const startedAt = Date.now();
  context.out('Starting an in-memory Temporal dev server and the local DNS, RDAP, SMTP, site and Netcraft ...');
  const server = await startDevServer({ cliPath: await temporalCli(context) });
  const standIns = await startTakedownStandIns();
  standIns.addPhishingDomain(DOMAIN);
  const config = {
    ...demoConfig(context.config, 'cordon-demo-takedown', ['secops-oncall']),
    takedown: standIns.config,
  };
  const base = buildServices(config, () => {});
  const services = {
    ...base,
    clients: {
      ...base.clients,
      takedown: {
        config: standIns.config,
        notifier: {
          notify: async (escalation: { domain: string; level: number; reason: string }) => {
            context.out(`  (escalation ${escalation.level}) ${escalation.reason}`);
            return 'the demo output';
          },
        },
      },
    },
  };
  return runDemoPlaybook(context, {
    config,
    server,
    services,
    closeStandIns: () => standIns.close(),
    playbook: 'demo-takedown.yaml',
    inputs: { domain: DOMAIN },
    incidentId: 'DEMO-TAKEDOWN-1',
    startedLine: (workflowId, title) => `Started ${workflowId} (${title}) for ${DOMAIN}, requested by ${context.user}.`,
    approvalLine: (stepId) => `  (demo) ${SIMULATED_RESPONDER}, a simulated second responder, approves "${stepId}".`,
    then: async ({ client, handle, state }) => {
      await printRun(context, handle);
      let mailShown = printMail(standIns, context, 0);

      // Under a pseudonym of the domain when the payload codec is on.
      const monitorId = await existingId(client, `takedown-monitor/${DOMAIN}`);
      const monitor = client.workflow.getHandle<typeof takedownMonitor>(monitorId);
      context.out(`The monitor ${monitorId} checks ${DOMAIN} every 2 s; it reminds after 4 s and escalates after 8 s.`);
      let summary: TakedownMonitorSummary = await monitor.query(takedownMonitorStatusQuery);
      while (summary.escalations.length === 0 || summary.reminders.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        summary = await monitor.query(takedownMonitorStatusQuery);
        mailShown = printMail(standIns, context, mailShown);
      }
      context.out(`  (demo) the registrar suspends ${DOMAIN}: the local DNS now answers NXDOMAIN.`);
      standIns.dns.setMode(DOMAIN, 'nxdomain');
      summary = await monitor.result();
      printMail(standIns, context, mailShown);
      context.out('');
      monitorLines(monitorId, summary).forEach((line) => context.out(line));
      context.out(`Netcraft stand-in received ${standIns.netcraft.reports.length} report(s).`);
      context.out(`Done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
      return state.status === 'succeeded' && summary.outcome === 'down' ? 0 : 1;
    },
  });
}
