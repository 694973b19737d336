/**
 * DNS look-ups through a configurable resolver (`TAKEDOWN_DNS_SERVERS`), so evidence and checks see what the chosen
 * servers answer, and tests can point them at a local DNS server. A failed query is a result here, not an error: a
 * domain that stops resolving is exactly what a takedown is after.
 */
import { Resolver } from 'node:dns/promises';
import type { DnsEvidence, DnsStatus } from './specs';

export interface DnsSettings {
  /** `host` or `host:port`; empty means the system's resolvers. */
  servers: readonly string[];
  timeoutMs: number;
}

interface Answer {
  status: DnsStatus;
  records: string[];
}

const STATUS_OF_CODE: Record<string, DnsStatus> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
};

/** The status a resolver error stands for. */
export function dnsStatusOf(error: unknown): DnsStatus {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return STATUS_OF_CODE[code] ?? 'error';
}

/** A resolver per look-up, so cancelling one step cannot cancel another's queries. */
function createResolver(settings: DnsSettings, signal?: AbortSignal): Resolver {
  const resolver = new Resolver({ timeout: settings.timeoutMs, tries: 2 });
  if (settings.servers.length > 0) resolver.setServers([...settings.servers]);
  signal?.addEventListener('abort', () => resolver.cancel(), { once: true });
  return resolver;
}

async function answer(query: () => Promise<string[]>): Promise<Answer> {
  try {
    return { status: 'ok', records: await query() };
  } catch (error) {
    return { status: dnsStatusOf(error), records: [] };
  }
}

/** The overall status: `ok` with an address; otherwise the A query's failure, which says most (NXDOMAIN, SERVFAIL). */
function overall(a: Answer, aaaa: Answer): DnsStatus {
  if (a.records.length > 0 || aaaa.records.length > 0) return 'ok';
  return a.status === 'ok' ? 'nodata' : a.status;
}

/** The domain's addresses only: what a check needs. */
export async function resolveAddresses(
  settings: DnsSettings,
  domain: string,
  signal?: AbortSignal,
): Promise<{ status: DnsStatus; addresses: string[] }> {
  const resolver = createResolver(settings, signal);
  const [a, aaaa] = await Promise.all([
    answer(() => resolver.resolve4(domain)),
    answer(() => resolver.resolve6(domain)),
  ]);
  return { status: overall(a, aaaa), addresses: [...a.records, ...aaaa.records] };
}

/** A, AAAA, NS and MX records: the DNS part of a report's evidence. */
export async function collectDnsEvidence(
  settings: DnsSettings,
  domain: string,
  signal?: AbortSignal,
): Promise<DnsEvidence> {
  const resolver = createResolver(settings, signal);
  const [a, aaaa, ns, mx] = await Promise.all([
    answer(() => resolver.resolve4(domain)),
    answer(() => resolver.resolve6(domain)),
    answer(() => resolver.resolveNs(domain)),
    answer(async () =>
      (await resolver.resolveMx(domain))
        .sort((x, y) => x.priority - y.priority)
        .map((record) => `${record.priority} ${record.exchange}`),
    ),
  ]);
  return { status: overall(a, aaaa), a, aaaa, ns, mx };
}
