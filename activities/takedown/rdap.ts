/**
 * An RDAP client: finds the right server through the IANA bootstrap, then asks it about a domain or an address. The
 * bootstrap files change rarely, so each is fetched once a day per worker.
 */
import type { z } from 'zod';
import { ActionError, FAILURE_TYPES } from '../errors';
import { httpCall, httpFailure } from './http';
import {
  bootstrapFileSchema,
  domainServiceUrl,
  ipServiceUrl,
  registryOf,
  type BootstrapFile,
  type BootstrapRegistry,
} from './rdap-bootstrap';
import { rdapDomainSchema, rdapNetworkSchema, type RdapDomain, type RdapNetwork } from './rdap-parse';

const BOOTSTRAP_TTL_MS = 24 * 3_600_000;

export interface RdapSettings {
  /** Where `dns.json`, `ipv4.json` and `ipv6.json` are served. */
  bootstrapUrl: string;
  timeoutMs: number;
}

export interface RdapAnswer<T> {
  url: string;
  /** `undefined` when the server answered 404: it knows no such object. */
  object: T | undefined;
}

export class RdapClient {
  private readonly bootstrap = new Map<BootstrapRegistry, { at: number; file: Promise<BootstrapFile> }>();

  constructor(
    private readonly settings: RdapSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** The domain's registration data from its registry, found through the bootstrap. */
  async domain(name: string, signal?: AbortSignal): Promise<RdapAnswer<RdapDomain>> {
    const base = domainServiceUrl(await this.bootstrapFile('dns', signal), name);
    if (!base) {
      const tld = name.split('.').pop();
      throw new ActionError(FAILURE_TYPES.notFound, `no RDAP service for .${tld} in the IANA bootstrap (${name})`);
    }
    const url = new URL(`domain/${encodeURIComponent(name)}`, base).href;
    return { url, object: await this.fetchJson(url, rdapDomainSchema, `RDAP lookup of ${name}`, signal) };
  }

  /** The network an address belongs to, from its regional registry; `undefined` when no registry covers it. */
  async network(address: string, signal?: AbortSignal): Promise<RdapAnswer<RdapNetwork> | undefined> {
    const base = ipServiceUrl(await this.bootstrapFile(registryOf(address), signal), address);
    if (!base) return undefined;
    const url = new URL(`ip/${encodeURIComponent(address)}`, base).href;
    return { url, object: await this.fetchJson(url, rdapNetworkSchema, `RDAP lookup of ${address}`, signal) };
  }

  private bootstrapFile(registry: BootstrapRegistry, signal?: AbortSignal): Promise<BootstrapFile> {
    const cached = this.bootstrap.get(registry);
    if (cached && this.now() - cached.at < BOOTSTRAP_TTL_MS) return cached.file;
    const url = new URL(`${registry}.json`, this.settings.bootstrapUrl.replace(/\/?$/, '/')).href;
    const file = this.fetchJson(url, bootstrapFileSchema, `RDAP bootstrap ${url}`, signal).then((found) => {
      if (!found) throw new ActionError(FAILURE_TYPES.unavailable, `RDAP bootstrap ${url} is missing (404)`);
      return found;
    });
    // A failed fetch is not cached: the next attempt asks again.
    file.catch(() => this.bootstrap.delete(registry));
    this.bootstrap.set(registry, { at: this.now(), file });
    return file;
  }

  private async fetchJson<S extends z.ZodType>(
    url: string,
    schema: S,
    operation: string,
    signal?: AbortSignal,
  ): Promise<z.output<S> | undefined> {
    const response = await httpCall(
      url,
      { headers: { accept: 'application/rdap+json, application/json' } },
      { operation, timeoutMs: this.settings.timeoutMs, signal },
    );
    if (response.status === 404) return undefined;
    const text = await response.text();
    if (!response.ok) throw httpFailure(operation, response, text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ActionError(FAILURE_TYPES.unavailable, `${operation} returned a body that is not JSON (${url})`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ActionError(
        FAILURE_TYPES.unavailable,
        `${operation} returned an answer that is not RDAP: ${issue?.path.join('.')}: ${issue?.message} (${url})`,
      );
    }
    return parsed.data;
  }
}
