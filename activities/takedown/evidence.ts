/**
 * Evidence for a takedown report: what DNS answers, what the site serves, who registered the domain and when, and who
 * hosts it, with the abuse contacts of the registrar and the hosting network.
 */
import { ActionError, FAILURE_TYPES } from '../errors';
import { collectDnsEvidence, type DnsSettings } from './dns';
import type { RdapClient } from './rdap';
import { eventDate, networkOf, registrarOf } from './rdap-parse';
import { probeSite, type SiteSettings } from './site';
import type { AbuseContact, Evidence, HostingNetwork } from './specs';

export interface EvidenceSources {
  dns: DnsSettings;
  site: SiteSettings;
  rdap: RdapClient;
  now: () => Date;
}

interface Hosting {
  network: HostingNetwork;
  contacts: AbuseContact[];
}

/** The network hosting an address and its abuse contact; `undefined` when no registry covers it or knows it. */
async function hostingOf(
  rdap: RdapClient,
  address: string | undefined,
  signal?: AbortSignal,
): Promise<Hosting | undefined> {
  if (!address) return undefined;
  const answer = await rdap.network(address, signal);
  if (!answer?.object) return undefined;
  const info = networkOf(answer.object);
  return {
    network: {
      address,
      rdapUrl: answer.url,
      name: info.name,
      handle: info.handle,
      range: info.range,
      country: info.country,
    },
    contacts: info.abuseEmails.map((email) => ({ role: 'hosting', email, organisation: info.organisation })),
  };
}

export async function collectEvidence(
  sources: EvidenceSources,
  domain: string,
  signal?: AbortSignal,
): Promise<Evidence> {
  const dns = await collectDnsEvidence(sources.dns, domain, signal);
  // IPv4 first: every RIR answers for it, and a hosting abuse desk knows its servers by their IPv4 address.
  const addresses = [...dns.a.records, ...dns.aaaa.records];
  const [http, registration, hosting] = await Promise.all([
    probeSite(domain, addresses, sources.site, signal),
    sources.rdap.domain(domain, signal),
    hostingOf(sources.rdap, addresses[0], signal),
  ]);
  if (!registration.object) {
    throw new ActionError(
      FAILURE_TYPES.notFound,
      `${domain} is not in RDAP (${registration.url} answered 404): it is not registered, or already deleted`,
    );
  }
  const record = registration.object;
  const registrar = registrarOf(record);
  return {
    domain,
    collectedAt: sources.now().toISOString(),
    dns,
    http,
    registration: {
      rdapUrl: registration.url,
      registrar: registrar.name,
      registrarIanaId: registrar.ianaId,
      registeredAt: eventDate(record, 'registration'),
      expiresAt: eventDate(record, 'expiration'),
      lastChangedAt: eventDate(record, 'last changed'),
      status: record.status,
      nameservers: record.nameservers.map((server) => server.ldhName.toLowerCase()),
    },
    hosting: hosting?.network,
    abuseContacts: [
      ...registrar.abuseEmails.map((email): AbuseContact => ({
        role: 'registrar',
        email,
        organisation: registrar.name,
      })),
      ...(hosting?.contacts ?? []),
    ],
  };
}
