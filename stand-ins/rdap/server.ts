/**
 * A local RDAP server on 127.0.0.1, stateful: tests add domains and networks. It serves the IANA bootstrap files
 * (`/bootstrap/dns.json`, `ipv4.json`, `ipv6.json`) pointing back at itself, a registry (`/registry/domain/NAME`) and
 * an RIR (`/rir/ip/ADDRESS`), in `application/rdap+json`, with RDAP error bodies for unknown names.
 */
import http from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { domainRecord, networkRecord, rdapError, type RdapDomainSeed, type RdapNetworkSeed } from './records';
import { closeServer, listenLocally } from '../local-http';

export type { RdapDomainSeed, RdapNetworkSeed } from './records';

export interface RdapStandIn {
  url: string;
  /** What `TAKEDOWN_RDAP_BOOTSTRAP_URL` takes. */
  bootstrapUrl: string;
  addDomain(seed: RdapDomainSeed): void;
  removeDomain(name: string): void;
  addNetwork(seed: RdapNetworkSeed): void;
  /** TLDs in `dns.json` besides those of added domains: a TLD the registry serves but knows nothing under. */
  addTld(tld: string): void;
  /** The next `count` requests answer `status` (default 503): an outage to retry through. */
  failNext(count: number, status?: number): void;
  /** Paths requested, oldest first. */
  requests: string[];
  close(): Promise<void>;
}

const RDAP_TYPE = 'application/rdap+json';

function send(response: http.ServerResponse, status: number, body: unknown, type = RDAP_TYPE): void {
  response.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' });
  response.end(JSON.stringify(body));
}

function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

function contains(cidr: string, address: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  if (!network || (family === 'ipv4' ? !isIPv4(network) : !isIPv6(network))) return false;
  const block = new BlockList();
  block.addSubnet(network, Number(bits), family);
  return block.check(address, family);
}

export async function startRdapStandIn(options: { port?: number } = {}): Promise<RdapStandIn> {
  const domains = new Map<string, RdapDomainSeed>();
  const networks: RdapNetworkSeed[] = [];
  const extraTlds = new Set<string>();
  const requests: string[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let base = '';

  const bootstrap = (file: string) => {
    const publication = new Date().toISOString();
    if (file === 'dns') {
      const tlds = new Set([...extraTlds, ...[...domains.keys()].map((name) => name.split('.').pop() ?? '')]);
      return { version: '1.0', publication, services: [[[...tlds].sort(), [`${base}registry/`]]] };
    }
    const family = file === 'ipv4' ? isIPv4 : isIPv6;
    const cidrs = networks.map((network) => network.cidr).filter((cidr) => family(cidr.split('/')[0] ?? ''));
    return { version: '1.0', publication, services: cidrs.length > 0 ? [[cidrs, [`${base}rir/`]]] : [] };
  };

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    requests.push(url.pathname);
    if (failures.count > 0) {
      failures.count -= 1;
      send(response, failures.status, rdapError(failures.status, 'Service Unavailable', 'stand-in outage'));
      return;
    }
    const bootstrapFile = /^\/bootstrap\/(dns|ipv4|ipv6)\.json$/.exec(url.pathname);
    if (bootstrapFile?.[1]) {
      send(response, 200, bootstrap(bootstrapFile[1]), 'application/json');
      return;
    }
    const domain = /^\/registry\/domain\/([^/]+)$/.exec(url.pathname);
    if (domain?.[1]) {
      const name = decodeURIComponent(domain[1]).toLowerCase();
      const seed = domains.get(name);
      if (seed) send(response, 200, domainRecord(seed, url.href, new Date()));
      else send(response, 404, rdapError(404, 'Not Found', `The domain ${name} is not registered.`));
      return;
    }
    const ip = /^\/rir\/ip\/([^/]+)$/.exec(url.pathname);
    if (ip?.[1]) {
      const address = decodeURIComponent(ip[1]);
      const match = networks
        .filter((network) => contains(network.cidr, address))
        .sort((a, b) => prefixLength(b.cidr) - prefixLength(a.cidr))[0];
      if (match) send(response, 200, networkRecord(match, url.href));
      else send(response, 404, rdapError(404, 'Not Found', `No network contains ${address}.`));
      return;
    }
    send(response, 404, rdapError(404, 'Not Found', `Unknown path ${url.pathname}.`));
  });

  const port = await listenLocally(server, options.port);
  base = `http://127.0.0.1:${port}/`;

  return {
    url: base,
    bootstrapUrl: `${base}bootstrap/`,
    addDomain: (seed) => domains.set(seed.name.toLowerCase(), seed),
    removeDomain: (name) => domains.delete(name.toLowerCase()),
    addNetwork: (seed) => networks.push(seed),
    addTld: (tld) => extraTlds.add(tld.toLowerCase()),
    failNext: (count, status = 503) => {
      failures = { count, status };
    },
    requests,
    close: () => closeServer(server),
  };
}
