/**
 * Handlers of the `takedown.*` actions, built once per worker over the takedown configuration. Without one, every
 * action fails with `NotConfigured`, so a playbook that needs takedown says so instead of silently doing nothing.
 */
import type { TakedownConfig } from '../../config/takedown';
import type { ActionContext, ActionHandlers } from '../action';
import { ActionError, FAILURE_TYPES } from '../errors';
import { notConfiguredHandlers } from '../not-configured';
import { approversFromRun, type ApproverLookup } from './approvers';
import { resolveAddresses } from './dns';
import { logEscalationNotifier, type EscalationNotifier } from './escalation';
import { collectEvidence, type EvidenceSources } from './evidence';
import { FileReportLedger, type ReportLedger } from './ledger';
import { createCloudflareClient } from './providers/cloudflare';
import { createSmtpMailer } from './providers/email';
import { createNetcraftClient } from './providers/netcraft';
import { RdapClient } from './rdap';
import {
  configuredProviders,
  sendReminders,
  sendReports,
  targetsOf,
  type ProviderClients,
  type Reporting,
} from './reporter';
import { isPrivateAddress, probeSite } from './site';
import type { CheckVerdict, DnsStatus, Evidence, Provider, ReportOutcome, ReportTarget, SiteProbe } from './specs';
import { takedownActivityActions } from './specs';

export interface TakedownDeps {
  /** `takedownConfigFromEnv(env)`; `undefined` when takedown is not configured on this worker. */
  config: TakedownConfig | undefined;
  /** Where escalations are told; defaults to the worker log. */
  notifier?: EscalationNotifier;
  /** Who approved the running step, named in reports; defaults to asking the run. */
  approvers?: ApproverLookup;
  /** Replaces the file ledger, e.g. with one on shared storage. */
  ledger?: ReportLedger;
  now?: () => Date;
}

/** `takedown.monitor` has no handler: it runs as the `takedownMonitor` workflow. */
type TakedownHandlers = ActionHandlers<typeof takedownActivityActions>;

const NOT_CONFIGURED =
  'takedown is not configured on this worker: set SMTP_HOST and SMTP_FROM, NETCRAFT_API_TOKEN or CLOUDFLARE_API_TOKEN ' +
  '(and TAKEDOWN_DNS_SERVERS, TAKEDOWN_RDAP_BOOTSTRAP_URL to change where DNS and RDAP are asked)';

function notConfigured(): TakedownHandlers {
  return notConfiguredHandlers(takedownActivityActions, NOT_CONFIGURED);
}

function clientsOf(config: TakedownConfig): ProviderClients {
  const reporter = config.reporter;
  return {
    ...(config.smtp && reporter ? { email: { mailer: createSmtpMailer(config.smtp, reporter) } } : {}),
    ...(config.netcraft
      ? { netcraft: { client: createNetcraftClient(config.netcraft), host: new URL(config.netcraft.url).host } }
      : {}),
    ...(config.cloudflare
      ? { cloudflare: { client: createCloudflareClient(config.cloudflare), host: new URL(config.cloudflare.url).host } }
      : {}),
  };
}

/** The attempt that claims a ledger record: retries of one step share it, other runs do not. */
function ownerOf(context: ActionContext): string {
  return `${context.workflowId}/${context.activityId}`;
}

/** Refuses to report by e-mail when RDAP names nobody to write to, before anything is sent. */
function requireAbuseContact(
  evidence: Evidence,
  providers: readonly Provider[],
  configured: readonly Provider[],
): void {
  const problem = missingAbuseContact(evidence, providers, configured);
  if (!problem) return;
  throw new ActionError(FAILURE_TYPES.notFound, `takedown.request failed for ${evidence.domain}: ${problem}`, {
    details: {
      domain: evidence.domain,
      registrar: evidence.registration.registrar,
      rdapUrl: evidence.registration.rdapUrl,
    },
  });
}

/** Why e-mail reports of a domain would reach nobody, if they would. */
function missingAbuseContact(
  evidence: Evidence,
  providers: readonly Provider[],
  configured: readonly Provider[],
): string | undefined {
  if (!providers.includes('email') || evidence.abuseContacts.length > 0) return undefined;
  const { registration, hosting } = evidence;
  const where = [
    `registrar ${registration.registrar ?? '(unnamed)'} at ${registration.rdapUrl} lists no abuse e-mail`,
    hosting
      ? `nor does network ${hosting.name ?? hosting.address} at ${hosting.rdapUrl}`
      : 'and the domain has no address',
  ].join(', ');
  const others = configured.filter((provider) => provider !== 'email');
  const hint =
    others.length > 0 ? `; report through ${others.join(' or ')} with providers: [${others.join(', ')}]` : '';
  return `no abuse contact in RDAP (${where})${hint}`;
}

const sameTarget = (a: ReportTarget, b: ReportTarget) => a.provider === b.provider && a.to === b.to;

function firstReportAt(outcomes: readonly ReportOutcome[], fallback: string): string {
  const times = outcomes.filter((outcome) => outcome.status !== 'skipped').map((outcome) => outcome.at);
  return times.sort()[0] ?? fallback;
}

/** What a check concludes from its DNS answer and the site's (see `CHECK_VERDICTS`). */
export function checkVerdict(
  resolved: { status: DnsStatus; addresses: readonly string[] },
  http: SiteProbe,
  allowPrivateAddresses: boolean,
): CheckVerdict {
  if (resolved.status === 'timeout' || resolved.status === 'error') return 'inconclusive';
  if (resolved.addresses.length === 0) return 'gone';
  if (http.answered && (http.status ?? 0) < 400) return 'up';
  if (!allowPrivateAddresses && resolved.addresses.every(isPrivateAddress)) return 'blocked';
  return 'resolves';
}

export function createTakedownHandlers(deps: TakedownDeps): TakedownHandlers {
  const { config } = deps;
  if (!config) return notConfigured();
  const now = deps.now ?? (() => new Date());
  const clients = clientsOf(config);
  const configured = configuredProviders(clients);
  const dns = { servers: config.dnsServers, timeoutMs: config.dnsTimeoutMs };
  const sources: EvidenceSources = {
    dns,
    site: config.site,
    rdap: new RdapClient({ bootstrapUrl: config.rdapBootstrapUrl, timeoutMs: 15_000 }, () => now().getTime()),
    now,
  };
  const notifier = deps.notifier ?? logEscalationNotifier;
  const approvers = deps.approvers ?? approversFromRun;
  const ledger = deps.ledger ?? new FileReportLedger(config.stateDir, now);

  const reporting = (): Reporting => {
    if (configured.length === 0 || !config.reporter) {
      throw new ActionError(FAILURE_TYPES.notConfigured, `no takedown provider is configured: ${NOT_CONFIGURED}`);
    }
    return { clients, ledger, reporter: config.reporter, now };
  };

  const providersFor = (requested: readonly Provider[] | undefined): Provider[] => {
    const providers = requested ? [...new Set(requested)] : configured;
    const missing = providers.filter((provider) => !configured.includes(provider));
    if (missing.length > 0) {
      throw new ActionError(
        FAILURE_TYPES.notConfigured,
        `provider ${missing.join(', ')} is not configured on this worker`,
      );
    }
    return providers;
  };

  /** Of the approved recipients, those the fresh evidence still names; the others are skipped, saying why. */
  const approvedTargets = (evidence: Evidence, recipients: readonly ReportTarget[], providers: Provider[]) => {
    const current = providers.flatMap((provider) => targetsOf(provider, evidence, clients));
    const targets = recipients.filter((recipient) => current.some((target) => sameTarget(target, recipient)));
    const skipped = recipients
      .filter((recipient) => !targets.includes(recipient))
      .map((recipient): ReportOutcome => ({
        ...recipient,
        status: 'skipped',
        at: now().toISOString(),
        note: `no longer a recipient for ${evidence.domain} (${current.map((target) => target.to).join(', ') || 'nobody'} now); not sent`,
      }));
    if (targets.length === 0) {
      throw new ActionError(
        FAILURE_TYPES.notFound,
        `takedown.request failed for ${evidence.domain}: none of the approved recipients ` +
          `(${recipients.map((recipient) => recipient.to).join(', ')}) is a recipient any more; find the contacts ` +
          'again and approve the new ones',
      );
    }
    return { targets, skipped };
  };

  return {
    'takedown.find_contacts': async ({ domain, providers: requested }, context) => {
      reporting();
      const providers = providersFor(requested);
      let evidence: Evidence;
      try {
        evidence = await collectEvidence(sources, domain, context.signal);
      } catch (error) {
        // Not in RDAP: nobody to report to, which the approvers should see rather than a failed step.
        if (error instanceof ActionError && error.type === FAILURE_TYPES.notFound) {
          return { domain, recipients: [], abuseContacts: [], problems: [error.message] };
        }
        throw error;
      }
      const problem = missingAbuseContact(evidence, providers, configured);
      return {
        domain,
        recipients: providers.flatMap((provider) => targetsOf(provider, evidence, clients)),
        abuseContacts: evidence.abuseContacts,
        registrar: evidence.registration.registrar,
        problems: problem ? [problem] : [],
      };
    },

    'takedown.request': async (input, context) => {
      const { domain, providers: requested, recipients, comment, impersonates, incidentId, requestedBy } = input;
      const report = reporting();
      if (recipients && requested) {
        throw new ActionError(
          FAILURE_TYPES.invalidInput,
          `takedown.request for ${domain}: give recipients or providers, not both`,
        );
      }
      const providers = providersFor(
        recipients ? [...new Set(recipients.map((target) => target.provider))] : requested,
      );
      const evidence = await collectEvidence(sources, domain, context.signal);
      let targets: ReportTarget[];
      let skipped: ReportOutcome[] = [];
      if (recipients) ({ targets, skipped } = approvedTargets(evidence, recipients, providers));
      else {
        requireAbuseContact(evidence, providers, configured);
        targets = providers.flatMap((provider) => targetsOf(provider, evidence, clients));
      }
      const approvedBy = await approvers(context);
      const text = { reporter: report.reporter, comment, impersonates, incidentId, requestedBy, approvedBy };
      const sent = await sendReports(report, evidence, targets, text, ownerOf(context), context.signal);
      const reports = [...sent, ...skipped];
      context.log.info(`takedown of ${domain} reported`, {
        reports: reports.map((r) => `${r.provider}:${r.to} ${r.status}`),
      });
      return {
        domain,
        reportedAt: firstReportAt(reports, now().toISOString()),
        reportedTo: reports.filter((r) => r.status !== 'skipped').map(({ provider, to }) => ({ provider, to })),
        reports,
        evidence,
      };
    },

    'takedown.check': async ({ domain }, context) => {
      const resolved = await resolveAddresses(dns, domain, context.signal);
      const http = await probeSite(domain, resolved.addresses, config.site, context.signal);
      const verdict = checkVerdict(resolved, http, config.site.allowPrivateAddresses);
      return { domain, checkedAt: now().toISOString(), up: verdict === 'up', verdict, dns: resolved, http };
    },

    'takedown.remind': async ({ domain, reportedAt, reportedTo, reminder, lastCheck }, context) => {
      const facts = { domain, reportedAt, reminder, lastCheck };
      const reports = await sendReminders(reporting(), facts, reportedTo, ownerOf(context));
      return { domain, reminder, reports };
    },

    'takedown.escalate': async ({ domain, reportedAt, reportedTo, level, reason }, context) => {
      const report = reporting();
      const used = new Set(reportedTo.map((target) => target.provider));
      const next = configured.find((provider) => !used.has(provider));
      let reports: ReportOutcome[] = [];
      if (next) {
        const evidence = await collectEvidence(sources, domain, context.signal);
        const targets = targetsOf(next, evidence, clients);
        const text = { reporter: report.reporter, comment: `Escalation ${level}: ${reason}` };
        reports = await sendReports(report, evidence, targets, text, ownerOf(context), context.signal);
      }
      const notifiedVia = await notifier.notify(
        { domain, level, reason, reportedAt, reportedTo, reports },
        context.log,
      );
      return { domain, level, reportedTo: reports.map(({ provider, to }) => ({ provider, to })), reports, notifiedVia };
    },
  };
}
