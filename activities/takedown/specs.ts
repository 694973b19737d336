/** The `takedown.*` actions: report a phishing domain to those who can take it down, and check whether it is down. */
import { z } from 'zod';
import { isDuration } from '../../dsl/duration';
import { TAKEDOWN_MONITOR_JOIN_SIGNAL } from '../../workflows/takedown-monitor-names';
import { defineAction } from '../action';

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+${LABEL}$`);

/** A domain name, lower-cased. No transform, so the schema still exports to JSON Schema for editors. */
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(DOMAIN, 'must be a domain name such as twilio-okta.com, without scheme, path or trailing dot')
  .describe('A domain name, e.g. twilio-okta.com.');

export const PROVIDERS = ['email', 'netcraft', 'cloudflare'] as const;
/** Who a report goes to: the abuse contacts by e-mail, Netcraft's takedown service, Cloudflare's abuse desk. */
export type Provider = (typeof PROVIDERS)[number];

/** One recipient of a report: an abuse address for `email`, the service for the others. */
export const reportTarget = z.object({ provider: z.enum(PROVIDERS), to: z.string().min(1) });
export type ReportTarget = z.output<typeof reportTarget>;

export const reportOutcome = reportTarget.extend({
  /** `already_reported`: the durable record says this recipient had this domain before; nothing was sent. */
  status: z.enum(['sent', 'already_reported', 'skipped']),
  /** When the report went out (the first time, for `already_reported`), ISO 8601. */
  at: z.string(),
  /** The provider's reference: a Message-ID, a Netcraft takedown id, a Cloudflare report id. */
  reference: z.string().optional(),
  note: z.string().optional(),
});
export type ReportOutcome = z.output<typeof reportOutcome>;

export const dnsStatus = z.enum(['ok', 'nxdomain', 'nodata', 'servfail', 'refused', 'timeout', 'error']);
export type DnsStatus = z.output<typeof dnsStatus>;

const dnsAnswer = z.object({ status: dnsStatus, records: z.array(z.string()) });

export const dnsEvidence = z.object({
  /** `ok` when the domain has an address (A or AAAA); otherwise what the A query answered. */
  status: dnsStatus,
  a: dnsAnswer,
  aaaa: dnsAnswer,
  ns: dnsAnswer,
  mx: dnsAnswer,
});
export type DnsEvidence = z.output<typeof dnsEvidence>;

export const siteProbe = z.object({
  url: z.string(),
  /** Whether an HTTP server answered at all (any status). */
  answered: z.boolean(),
  address: z.string().optional(),
  status: z.number().int().optional(),
  title: z.string().optional(),
  location: z.string().optional(),
  error: z.string().optional(),
});
export type SiteProbe = z.output<typeof siteProbe>;

export const abuseContact = z.object({
  role: z.enum(['registrar', 'hosting']),
  email: z.string(),
  /** Whose contact it is: the registrar's or the network's name. */
  organisation: z.string().optional(),
});
export type AbuseContact = z.output<typeof abuseContact>;

export const registration = z.object({
  rdapUrl: z.string(),
  registrar: z.string().optional(),
  registrarIanaId: z.string().optional(),
  registeredAt: z.string().optional(),
  expiresAt: z.string().optional(),
  lastChangedAt: z.string().optional(),
  status: z.array(z.string()),
  nameservers: z.array(z.string()),
});
export type Registration = z.output<typeof registration>;

export const hostingNetwork = z.object({
  address: z.string(),
  rdapUrl: z.string(),
  name: z.string().optional(),
  handle: z.string().optional(),
  range: z.string().optional(),
  country: z.string().optional(),
});
export type HostingNetwork = z.output<typeof hostingNetwork>;

export const evidence = z.object({
  domain: z.string(),
  collectedAt: z.string(),
  dns: dnsEvidence,
  http: siteProbe,
  registration,
  hosting: hostingNetwork.optional(),
  abuseContacts: z.array(abuseContact),
});
export type Evidence = z.output<typeof evidence>;

const providersInput = z
  .array(z.enum(PROVIDERS))
  .min(1)
  .optional()
  .describe('Providers to report through now; defaults to every configured one. Others remain for escalation.');

export const takedownFindContacts = defineAction({
  name: 'takedown.find_contacts',
  description:
    'Find who a takedown report of a domain would go to (the registrar and host abuse contacts RDAP names, and the ' +
    'configured providers), before the approval, so the approvers see and bind the recipients.',
  impact: 'read',
  input: z.object({ domain: domainName, providers: providersInput }),
  output: z.object({
    domain: z.string(),
    /** Who `takedown.request` would report to: give it these as `recipients`. */
    recipients: z.array(reportTarget),
    abuseContacts: z.array(abuseContact),
    registrar: z.string().optional(),
    /** Why a requested provider has no recipient (e.g. RDAP lists no abuse e-mail). */
    problems: z.array(z.string()),
  }),
});

export const takedownRequest = defineAction({
  name: 'takedown.request',
  description:
    'Collect evidence on a phishing domain (DNS, HTTP, RDAP) and report it to the registrar and host abuse contacts ' +
    'and to the configured takedown providers; a recipient who already had the report gets nothing new.',
  impact: 'destructive',
  input: z.object({
    domain: domainName,
    providers: providersInput,
    recipients: z
      .array(reportTarget)
      .min(1)
      .optional()
      .describe(
        "Exactly whom to report to (`takedown.find_contacts`'s recipients, bound by the approval); replaces providers. " +
          'A recipient RDAP no longer lists is skipped, and nobody else is sent the report.',
      ),
    comment: z.string().max(2_000).optional().describe('What the responder knows, e.g. "SMS lure sent to staff".'),
    impersonates: z.string().max(200).optional().describe('The brand or service the site imitates, e.g. Okta.'),
    incidentId: z.string().max(200).optional().describe('The incident this report belongs to, quoted in every report.'),
    requestedBy: z.string().max(200).optional().describe('Who asked for the takedown, quoted in every report.'),
  }),
  output: z.object({
    domain: z.string(),
    /** When the domain was first reported: the input of `takedownMonitor`. */
    reportedAt: z.string(),
    reportedTo: z.array(reportTarget),
    reports: z.array(reportOutcome),
    evidence,
  }),
});

/**
 * What one check concludes. Only `gone` counts towards a takedown: a domain that still resolves is not down, whatever
 * its site does, or its owner could end the monitoring by pointing it at an address we do not fetch.
 */
export const CHECK_VERDICTS = {
  /** The site answers with a status below 400. */
  up: 'up',
  /** DNS gives no address: NXDOMAIN, no data, SERVFAIL or REFUSED. */
  gone: 'gone',
  /** The name resolves, but the site does not answer, or answers 400 or above (e.g. the host removed the page). */
  resolves: 'resolves',
  /** The name resolves only to private or loopback addresses, which are not fetched. */
  blocked: 'blocked',
  /** The resolver timed out or failed: the check says nothing about the domain. */
  inconclusive: 'inconclusive',
} as const;
export type CheckVerdict = keyof typeof CHECK_VERDICTS;
const VERDICTS = Object.values(CHECK_VERDICTS);

export const takedownCheck = defineAction({
  name: 'takedown.check',
  description: 'Check once whether a domain still resolves and its site still answers.',
  impact: 'read',
  input: z.object({ domain: domainName }),
  output: z.object({
    domain: z.string(),
    checkedAt: z.string(),
    /** Resolves to an address and answers HTTP with a status below 400. */
    up: z.boolean(),
    /** What the check concludes; absent in results recorded before it existed. */
    verdict: z.enum(VERDICTS).optional(),
    dns: z.object({ status: dnsStatus, addresses: z.array(z.string()) }),
    http: siteProbe,
  }),
});

const followUpInput = z.object({
  domain: domainName,
  reportedAt: z.string(),
  reportedTo: z.array(reportTarget),
});

export const takedownRemind = defineAction({
  name: 'takedown.remind',
  description:
    'Remind the abuse contacts who were sent a report that the domain is still up (once per reminder number).',
  impact: 'destructive',
  input: followUpInput.extend({
    reminder: z.number().int().min(1).describe('Which reminder this is; each number is sent at most once.'),
    lastCheck: z.string().max(500).optional().describe('What the last check saw, quoted in the reminder.'),
  }),
  output: z.object({ domain: z.string(), reminder: z.number(), reports: z.array(reportOutcome) }),
});

export const takedownEscalate = defineAction({
  name: 'takedown.escalate',
  description:
    'Report a domain that is still up to the next configured provider not yet used, and tell the responders.',
  impact: 'destructive',
  input: followUpInput.extend({
    level: z.number().int().min(1).describe('Which escalation this is; each level is sent at most once.'),
    reason: z.string().min(1).max(500),
  }),
  output: z.object({
    domain: z.string(),
    level: z.number(),
    /** Targets added by this escalation; empty when every configured provider already had the report. */
    reportedTo: z.array(reportTarget),
    reports: z.array(reportOutcome),
    /** Where the responders were told: `log` until a Slack notifier is wired, then e.g. `slack:#secops`. */
    notifiedVia: z.string(),
  }),
});

const monitorDuration = z
  .union([z.number().int().min(0), z.string().refine(isDuration, { message: 'must be a duration such as 15m, 1d' })])
  .describe('Milliseconds, or a duration such as 15m, 1d.');

export const takedownMonitor = defineAction({
  name: 'takedown.monitor',
  description:
    'Follow a reported domain until it is down: check it on a schedule, remind the abuse contacts and escalate to ' +
    'the providers not yet used while it stays up (runs for days as its own workflow, one per domain).',
  // It may report the domain to providers that have not had it yet: that needs the same approval as a report.
  impact: 'destructive',
  input: z.object({
    domain: domainName,
    reportedAt: z.string().describe("`takedown.request`'s reportedAt."),
    reportedTo: z.array(reportTarget).describe("`takedown.request`'s reportedTo."),
    checkInterval: monitorDuration.optional().describe('Between two checks. Default 15m.'),
    downAfterChecks: z.number().int().min(1).optional().describe('Failed checks in a row that mean down. Default 3.'),
    renotifyAfter: monitorDuration
      .optional()
      .describe('Since the last notice, before a reminder; 0: none. Default 1d.'),
    escalateAfter: monitorDuration.optional().describe('Per escalation level, since the report; 0: none. Default 2d.'),
    maxDuration: monitorDuration.optional().describe('When to give up. Default 30d.'),
  }),
  output: z.object({
    workflowId: z.string(),
    runId: z.string().optional(),
    /** True when a monitor of this domain was already running and this step joined it. */
    joined: z.boolean(),
  }),
  workflow: {
    type: 'takedownMonitor',
    detach: true,
    id: 'takedown-monitor/${{ input.domain }}',
    joinSignal: TAKEDOWN_MONITOR_JOIN_SIGNAL,
    // What workflows/takedown-monitor.ts calls (TakedownMonitorActivities below).
    actions: ['takedown.check', 'takedown.remind', 'takedown.escalate'] satisfies ReadonlyArray<
      keyof TakedownMonitorActivities
    >,
  },
});

/** The actions that run as activities, each with a handler. */
export const takedownActivityActions = [
  takedownFindContacts,
  takedownRequest,
  takedownCheck,
  takedownRemind,
  takedownEscalate,
] as const;

export const takedownActions = [...takedownActivityActions, takedownMonitor] as const;

export type TakedownCheckInput = z.input<typeof takedownCheck.input>;
export type TakedownCheckResult = z.output<typeof takedownCheck.output>;
export type TakedownRemindInput = z.input<typeof takedownRemind.input>;
export type TakedownRemindResult = z.output<typeof takedownRemind.output>;
export type TakedownEscalateInput = z.input<typeof takedownEscalate.input>;
export type TakedownEscalateResult = z.output<typeof takedownEscalate.output>;

/** The activities the takedown monitor workflow calls, as it sees them through `proxyActivities`. */
export interface TakedownMonitorActivities {
  'takedown.check'(input: TakedownCheckInput): Promise<TakedownCheckResult>;
  'takedown.remind'(input: TakedownRemindInput): Promise<TakedownRemindResult>;
  'takedown.escalate'(input: TakedownEscalateInput): Promise<TakedownEscalateResult>;
}
