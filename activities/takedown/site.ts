/**
 * One HTTP request to the phishing site, at an address our own resolver returned: the site's status and page title are
 * evidence, and whether it answers at all is half of a check. The scheme and port are configurable so tests reach a
 * local server at the address the DNS stand-in gives.
 */
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIPv6, type LookupFunction } from 'node:net';
import type { SiteProbe } from './specs';

export interface SiteSettings {
  scheme: 'http' | 'https';
  /** Defaults to the scheme's port. */
  port?: number;
  timeoutMs: number;
  /** Fetch sites that resolve to private, loopback or link-local addresses (tests do; production should not). */
  allowPrivateAddresses: boolean;
}

/**
 * Addresses a phishing domain must not make us fetch: its owner controls its DNS and could point it at our internal
 * services, whose page titles would then go into reports sent outside.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  return PRIVATE.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** Enough of a page to find its title; a phishing kit can serve megabytes. */
const MAX_BODY_BYTES = 256 * 1024;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of the first `<title>`, whitespace collapsed and common entities decoded. */
export function pageTitle(html: string): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  if (!match?.[1]) return undefined;
  const text = match[1]
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 300) : undefined;
}

export function siteUrl(domain: string, settings: SiteSettings): string {
  const port = settings.port === undefined ? '' : `:${settings.port}`;
  return `${settings.scheme}://${domain}${port}/`;
}

/** Connects to `address` whatever the host name, so the request carries the right Host header and TLS server name. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIPv6(address) ? 6 : 4;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function requestOnce(url: string, address: string, settings: SiteSettings, signal?: AbortSignal): Promise<SiteProbe> {
  const client = settings.scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const done = (probe: Omit<SiteProbe, 'url' | 'address'>) => resolve({ url, address, ...probe });
    const request = client.get(
      url,
      {
        lookup: pinnedLookup(address),
        timeout: settings.timeoutMs,
        signal,
        // Evidence, not trust: phishing sites often have self-signed or mismatched certificates, and we send nothing.
        rejectUnauthorized: false,
        headers: { 'user-agent': 'cordon-takedown-check/1', accept: 'text/html,*/*' },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        const isHtml = /html/i.test(response.headers['content-type'] ?? '');
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const title = isHtml ? pageTitle(Buffer.concat(chunks).toString('utf8')) : undefined;
          done({ answered: true, status, ...(title ? { title } : {}), ...(location ? { location } : {}) });
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY_BYTES) {
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${settings.timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      done({ answered: false, error: error.code ? `${error.code}: ${error.message}` : error.message });
    });
  });
}

/** Asks the site at each address in turn until one answers. */
export async function probeSite(
  domain: string,
  addresses: readonly string[],
  settings: SiteSettings,
  signal?: AbortSignal,
): Promise<SiteProbe> {
  const url = siteUrl(domain, settings);
  if (addresses.length === 0) return { url, answered: false, error: 'the domain has no address' };
  let last: SiteProbe | undefined;
  for (const address of addresses) {
    if (!settings.allowPrivateAddresses && isPrivateAddress(address)) {
      last = { url, address, answered: false, error: `not fetched: ${address} is a private address` };
      continue;
    }
    last = await requestOnce(url, address, settings, signal);
    if (last.answered || signal?.aborted) return last;
  }
  return last ?? { url, answered: false };
}
