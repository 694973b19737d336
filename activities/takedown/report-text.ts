/**
 * The words of a takedown report. Abuse desks triage hundreds of reports a day: the subject names the domain and the
 * abuse, the first lines say what we ask of this recipient, and the evidence follows in a fixed, greppable layout.
 */
import type { AbuseContact, Evidence } from './specs';

export interface Reporter {
  name: string;
  email: string;
}

export interface ReportContext {
  reporter: Reporter;
  comment?: string;
  impersonates?: string;
  /** Who to talk to on our side: abuse desks ask. */
  incidentId?: string;
  requestedBy?: string;
  approvedBy?: readonly string[];
}

/** The incident, requester and approvers, as lines; nothing when none is known. */
function ourReference(context: ReportContext): string[] {
  const lines = [
    ...line('  Incident', context.incidentId),
    ...line('  Requested by', context.requestedBy),
    ...line('  Approved by', context.approvedBy?.length ? context.approvedBy.join(', ') : undefined),
  ];
  return lines.length > 0 ? ['Our reference', ...lines, ''] : [];
}

function line(label: string, value: string | undefined): string[] {
  return value ? [`${label.padEnd(18)}${value}`] : [];
}

function dnsLine(records: string[], status: string): string {
  return records.length > 0 ? records.join(', ') : `(${status})`;
}

/** The evidence as plain text, shared by e-mail reports and the providers' free-text fields. */
export function evidenceText(evidence: Evidence): string {
  const { dns, http, registration, hosting } = evidence;
  return [
    `Evidence collected ${evidence.collectedAt}`,
    '',
    'DNS',
    ...line('  A', dnsLine(dns.a.records, dns.a.status)),
    ...line('  AAAA', dnsLine(dns.aaaa.records, dns.aaaa.status)),
    ...line('  NS', dnsLine(dns.ns.records, dns.ns.status)),
    ...line('  MX', dnsLine(dns.mx.records, dns.mx.status)),
    '',
    'Web site',
    ...line('  URL', http.url),
    ...line('  Address', http.address),
    ...line('  HTTP status', http.answered ? String(http.status) : `no answer (${http.error ?? 'unknown'})`),
    ...line('  Page title', http.title),
    ...line('  Redirects to', http.location),
    '',
    'Registration (RDAP)',
    ...line('  Registrar', registration.registrar),
    ...line('  IANA id', registration.registrarIanaId),
    ...line('  Registered', registration.registeredAt),
    ...line('  Expires', registration.expiresAt),
    ...line('  Last changed', registration.lastChangedAt),
    ...line('  Status', registration.status.join(', ') || undefined),
    ...line('  Name servers', registration.nameservers.join(', ') || undefined),
    ...line('  Source', registration.rdapUrl),
    ...(hosting
      ? [
          '',
          'Hosting (RDAP)',
          ...line('  Network', [hosting.name, hosting.handle].filter(Boolean).join(' / ') || undefined),
          ...line('  Range', hosting.range),
          ...line('  Country', hosting.country),
          ...line('  Source', hosting.rdapUrl),
        ]
      : []),
  ].join('\n');
}

const ASK: Record<AbuseContact['role'], string> = {
  registrar: 'Please suspend the domain (clientHold / serverHold) under your anti-abuse policy.',
  hosting: 'Please remove the phishing content and stop serving the domain from your network.',
};

function abuseSentence(evidence: Evidence, context: ReportContext): string {
  const target = context.impersonates ? ` impersonating ${context.impersonates}` : '';
  return `${evidence.domain} hosts a credential-phishing site${target}, used to harvest employees' passwords and one-time codes.`;
}

export function reportSubject(evidence: Evidence, context: ReportContext): string {
  return `Phishing report: ${evidence.domain}${context.impersonates ? ` (impersonating ${context.impersonates})` : ''}`;
}

/** The body of the e-mail report to one abuse contact. */
export function reportBody(evidence: Evidence, contact: AbuseContact, context: ReportContext): string {
  return [
    'Hello,',
    '',
    abuseSentence(evidence, context),
    ASK[contact.role],
    '',
    ...(context.comment ? [`Context from our incident response team: ${context.comment}`, ''] : []),
    ...ourReference(context),
    evidenceText(evidence),
    '',
    'The same evidence is attached as evidence.json.',
    `Please reply to ${context.reporter.email} with your ticket number, or if you need more information.`,
    '',
    `-- ${context.reporter.name}`,
  ].join('\n');
}

/** A short description for a provider's free-text field (Netcraft comment, Cloudflare justification). */
export function providerJustification(evidence: Evidence, context: ReportContext, limit: number): string {
  const text = [
    abuseSentence(evidence, context),
    ...(context.comment ? [context.comment] : []),
    '',
    ...ourReference(context),
    evidenceText(evidence),
  ].join('\n');
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export interface ReminderFacts {
  domain: string;
  reportedAt: string;
  reminder: number;
  lastCheck?: string;
}

export function reminderSubject(facts: ReminderFacts): string {
  return `Reminder ${facts.reminder}: phishing domain ${facts.domain} is still up`;
}

export function reminderBody(facts: ReminderFacts, reporter: Reporter): string {
  return [
    'Hello,',
    '',
    `On ${facts.reportedAt} we reported ${facts.domain} to you as a phishing site. It is still up.`,
    ...(facts.lastCheck ? [`Our last check: ${facts.lastCheck}`] : []),
    '',
    'Please act on the original report (this message is a reply to it), or tell us what else you need.',
    '',
    `-- ${reporter.name} <${reporter.email}>`,
  ].join('\n');
}
