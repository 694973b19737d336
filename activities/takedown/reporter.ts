/**
 * Sending reports and reminders through the providers, each recipient at most once per kind of message: the ledger is
 * claimed before a send and completed after it (see `ledger.ts` for why).
 */
import { ActionError, FAILURE_TYPES } from '../errors';
import type { LedgerEntry, LedgerKey, ReportLedger } from './ledger';
import { CLOUDFLARE_JUSTIFICATION_LIMIT, type CloudflareClient } from './providers/cloudflare';
import type { Mailer } from './providers/email';
import type { NetcraftClient } from './providers/netcraft';
import {
  providerJustification,
  reminderBody,
  reminderSubject,
  reportBody,
  reportSubject,
  type ReminderFacts,
  type ReportContext,
  type Reporter,
} from './report-text';
import { PROVIDERS, type Evidence, type Provider, type ReportOutcome, type ReportTarget } from './specs';

/** Netcraft's limit is not published; this keeps the comment readable in their console. */
const NETCRAFT_COMMENT_LIMIT = 4_000;

export interface ProviderClients {
  email?: { mailer: Mailer };
  netcraft?: { client: NetcraftClient; host: string };
  cloudflare?: { client: CloudflareClient; host: string };
}

export interface Reporting {
  clients: ProviderClients;
  ledger: ReportLedger;
  reporter: Reporter;
  now: () => Date;
}

/** Configured providers, in escalation order: the abuse contacts first, then the paid and the CDN services. */
export function configuredProviders(clients: ProviderClients): Provider[] {
  return PROVIDERS.filter((provider) => clients[provider] !== undefined);
}

/** Whom a provider would report a domain to. */
export function targetsOf(provider: Provider, evidence: Evidence, clients: ProviderClients): ReportTarget[] {
  switch (provider) {
    case 'email':
      return [...new Set(evidence.abuseContacts.map((contact) => contact.email))].map((to) => ({ provider, to }));
    case 'netcraft':
    case 'cloudflare': {
      const client = clients[provider];
      return client ? [{ provider, to: client.host }] : [];
    }
  }
}

/** A Message-ID from the ledger's deterministic token, on the reporter's mail domain. */
export function messageIdOf(entry: Pick<LedgerEntry, 'token'>, reporter: Reporter): string {
  return `<${entry.token}@${reporter.email.split('@')[1] ?? 'cordon.invalid'}>`;
}

function required<T>(client: T | undefined, provider: Provider): T {
  if (!client)
    throw new ActionError(FAILURE_TYPES.notConfigured, `provider ${provider} is not configured on this worker`);
  return client;
}

type Delivery = { reference?: string; status?: ReportOutcome['status']; note?: string };

async function deliverReport(
  reporting: Reporting,
  target: ReportTarget,
  entry: LedgerEntry,
  evidence: Evidence,
  context: ReportContext,
  signal?: AbortSignal,
): Promise<Delivery> {
  const { clients } = reporting;
  switch (target.provider) {
    case 'email': {
      const contact = evidence.abuseContacts.find((candidate) => candidate.email === target.to);
      if (!contact)
        throw new ActionError(FAILURE_TYPES.invalidInput, `${target.to} is not an abuse contact of ${evidence.domain}`);
      const messageId = messageIdOf(entry, reporting.reporter);
      await required(clients.email, 'email').mailer.send({
        to: target.to,
        subject: reportSubject(evidence, context),
        text: reportBody(evidence, contact, context),
        messageId,
        attachments: [
          { filename: 'evidence.json', content: JSON.stringify(evidence, null, 2), contentType: 'application/json' },
        ],
        headers: { 'X-Cordon-Takedown': evidence.domain },
      });
      return { reference: messageId };
    }
    case 'netcraft': {
      const result = await required(clients.netcraft, 'netcraft').client.report(
        {
          attack: evidence.http.url,
          comment: providerJustification(evidence, context, NETCRAFT_COMMENT_LIMIT),
          wholeDomain: true,
        },
        signal,
      );
      return {
        reference: result.takedownId,
        ...(result.outcome === 'exists'
          ? { status: 'already_reported', note: `Netcraft answered ${result.code}` }
          : {}),
        ...(result.outcome === 'verifying' ? { note: 'Netcraft is verifying the attack before a takedown' } : {}),
      };
    }
    case 'cloudflare': {
      const result = await required(clients.cloudflare, 'cloudflare').client.report(
        {
          urls: [evidence.http.url],
          justification: providerJustification(evidence, context, CLOUDFLARE_JUSTIFICATION_LIMIT),
          reporter: reporting.reporter,
        },
        signal,
      );
      return { reference: result.reference };
    }
  }
}

/** Sends one message unless the ledger says it went out before. */
async function once(
  reporting: Reporting,
  key: LedgerKey,
  owner: string,
  send: (entry: LedgerEntry) => Promise<Delivery>,
): Promise<ReportOutcome> {
  const target = { provider: key.provider, to: key.to };
  const claim = await reporting.ledger.claim(key, owner);
  if (claim.state === 'done') {
    const { entry } = claim;
    return {
      ...target,
      status: 'already_reported',
      at: entry.sentAt ?? entry.claimedAt,
      ...(entry.reference ? { reference: entry.reference } : {}),
    };
  }
  const delivery = await send(claim.entry);
  const at = reporting.now().toISOString();
  await reporting.ledger.complete(claim.entry, { at, reference: delivery.reference });
  return {
    ...target,
    status: delivery.status ?? 'sent',
    at,
    ...(delivery.reference ? { reference: delivery.reference } : {}),
    ...(delivery.note ? { note: delivery.note } : {}),
  };
}

/** Reports a domain to each target, one after another so a failure stops before the rest and the retry resumes. */
export async function sendReports(
  reporting: Reporting,
  evidence: Evidence,
  targets: readonly ReportTarget[],
  context: ReportContext,
  owner: string,
  signal?: AbortSignal,
): Promise<ReportOutcome[]> {
  const outcomes: ReportOutcome[] = [];
  for (const target of targets) {
    const key = { domain: evidence.domain, ...target, kind: 'report' };
    outcomes.push(
      await once(reporting, key, owner, (entry) => deliverReport(reporting, target, entry, evidence, context, signal)),
    );
  }
  return outcomes;
}

/**
 * Reminds the e-mail recipients of a report, replying to it so the reminder joins the same ticket. Netcraft and
 * Cloudflare follow their takedowns up themselves, so they are skipped.
 */
export async function sendReminders(
  reporting: Reporting,
  facts: ReminderFacts,
  targets: readonly ReportTarget[],
  owner: string,
): Promise<ReportOutcome[]> {
  const outcomes: ReportOutcome[] = [];
  for (const target of targets) {
    if (target.provider !== 'email') {
      const note = `${target.provider} follows its takedowns up itself`;
      outcomes.push({ ...target, status: 'skipped', at: reporting.now().toISOString(), note });
      continue;
    }
    const original = await reporting.ledger.find({ domain: facts.domain, ...target, kind: 'report' });
    const key = { domain: facts.domain, ...target, kind: `reminder-${facts.reminder}` };
    const outcome = await once(reporting, key, owner, async (entry) => {
      const messageId = messageIdOf(entry, reporting.reporter);
      await required(reporting.clients.email, 'email').mailer.send({
        to: target.to,
        subject: reminderSubject(facts),
        text: reminderBody(facts, reporting.reporter),
        messageId,
        inReplyTo: original ? messageIdOf(original, reporting.reporter) : undefined,
        headers: { 'X-Cordon-Takedown': facts.domain },
      });
      return { reference: messageId };
    });
    outcomes.push(outcome);
  }
  return outcomes;
}
