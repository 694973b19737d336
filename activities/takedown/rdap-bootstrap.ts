/**
 * The IANA RDAP bootstrap (RFC 9224): which RDAP server answers for a TLD (`dns.json`) or an address block
 * (`ipv4.json`, `ipv6.json`). Each file is `{ services: [[entries], [base URLs]], ... }`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';

export const bootstrapFileSchema = z.object({
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())),
});
export type BootstrapFile = z.output<typeof bootstrapFileSchema>;

export type BootstrapRegistry = 'dns' | 'ipv4' | 'ipv6';

/** Prefers an https base URL, as RFC 9224 asks, but takes http when that is all there is (local stand-ins). */
function pickUrl(urls: readonly string[]): string | undefined {
  const url = urls.find((candidate) => candidate.startsWith('https://')) ?? urls[0];
  if (!url) return undefined;
  return url.endsWith('/') ? url : `${url}/`;
}

/** The base URL serving a domain: the service whose entry is the longest label-wise suffix of the name. */
export function domainServiceUrl(file: BootstrapFile, domain: string): string | undefined {
  const labels = domain.toLowerCase().split('.');
  for (let start = 1; start < labels.length; start++) {
    const suffix = labels.slice(start).join('.');
    const service = file.services.find(([entries]) => entries.some((entry) => entry.toLowerCase() === suffix));
    if (service) return pickUrl(service[1]);
  }
  return undefined;
}

/** The base URL serving an address: the service with the longest matching prefix. */
export function ipServiceUrl(file: BootstrapFile, address: string): string | undefined {
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  let best: { length: number; urls: string[] } | undefined;
  for (const [prefixes, urls] of file.services) {
    for (const prefix of prefixes) {
      const [network, bits] = prefix.split('/');
      const length = Number(bits);
      if (!network || !Number.isInteger(length)) continue;
      if ((family === 'ipv4' && !isIPv4(network)) || (family === 'ipv6' && !isIPv6(network))) continue;
      const block = new BlockList();
      block.addSubnet(network, length, family);
      if (block.check(address, family) && (!best || length > best.length)) best = { length, urls };
    }
  }
  return best && pickUrl(best.urls);
}

/** Which bootstrap file covers an address. */
export function registryOf(address: string): BootstrapRegistry {
  return isIPv6(address) ? 'ipv6' : 'ipv4';
}
