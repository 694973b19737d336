/**
 * The takedown stand-ins started together: DNS, RDAP, SMTP, the phishing site, Netcraft and Cloudflare, all on
 * 127.0.0.1, with the environment that points the takedown configuration at them. Used by the tests and by
 * `cordon demo takedown`; nothing reaches outside.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../config/config';
import { takedownConfigFromEnv, type TakedownConfig } from '../config/takedown';
import { startCloudflareStandIn, type CloudflareStandIn } from './cloudflare/server';
import { startDnsStandIn, type DnsStandIn } from './dns/server';
import { startHttpSiteStandIn, type HttpSiteStandIn } from './http-site/server';
import { startNetcraftStandIn, type NetcraftStandIn } from './netcraft/server';
import { LOOPBACK_HOSTING, oktapusDomain } from './rdap/oktapus';
import type { RdapDomainSeed } from './rdap/records';
import { startRdapStandIn, type RdapStandIn } from './rdap/server';
import { startSmtpStandIn, type SmtpStandIn } from './smtp/server';

export const REPORTER = { name: 'ACME Security Operations', email: 'secops@acme.example' };

export interface TakedownStandIns {
  dns: DnsStandIn;
  rdap: RdapStandIn;
  smtp: SmtpStandIn;
  site: HttpSiteStandIn;
  netcraft: NetcraftStandIn;
  cloudflare: CloudflareStandIn;
  env: Env;
  config: TakedownConfig;
  /** A registered look-alike domain resolving to 127.0.0.1, where the site stand-in serves a fake sign-in. */
  addPhishingDomain(name: string, rdap?: Partial<RdapDomainSeed>): void;
  close(): Promise<void>;
}

export async function startTakedownStandIns(): Promise<TakedownStandIns> {
  const [dns, rdap, smtp, site, netcraft, cloudflare] = await Promise.all([
    startDnsStandIn(),
    startRdapStandIn(),
    startSmtpStandIn(),
    startHttpSiteStandIn(),
    startNetcraftStandIn(),
    startCloudflareStandIn(),
  ]);
  rdap.addNetwork(LOOPBACK_HOSTING);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cordon-takedown-'));
  const env: Env = {
    TAKEDOWN_DNS_SERVERS: dns.server,
    TAKEDOWN_DNS_TIMEOUT_MS: '1000',
    TAKEDOWN_RDAP_BOOTSTRAP_URL: rdap.bootstrapUrl,
    TAKEDOWN_SITE_SCHEME: 'http',
    TAKEDOWN_SITE_PORT: String(site.port),
    TAKEDOWN_SITE_TIMEOUT_MS: '2000',
    // The stand-ins are on loopback, which production refuses to fetch.
    TAKEDOWN_SITE_ALLOW_PRIVATE: 'true',
    TAKEDOWN_STATE_DIR: stateDir,
    TAKEDOWN_REPORTER_NAME: REPORTER.name,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_FROM: REPORTER.email,
    NETCRAFT_API_TOKEN: netcraft.token,
    NETCRAFT_API_URL: netcraft.url,
    CLOUDFLARE_API_TOKEN: cloudflare.token,
    CLOUDFLARE_ACCOUNT_ID: cloudflare.accountId,
    CLOUDFLARE_API_URL: cloudflare.url,
  };
  const config = takedownConfigFromEnv(env);
  if (!config) throw new Error('the takedown stand-ins did not configure takedown');
  return {
    dns,
    rdap,
    smtp,
    site,
    netcraft,
    cloudflare,
    env,
    config,
    addPhishingDomain(name, seed = {}) {
      dns.set(name, {
        A: ['127.0.0.1'],
        NS: ['ns1.bulletproof.example'],
        MX: [{ preference: 10, exchange: `mx.${name}` }],
      });
      rdap.addDomain(oktapusDomain(name, seed));
    },
    async close() {
      await Promise.all([dns.close(), rdap.close(), smtp.close(), site.close(), netcraft.close(), cloudflare.close()]);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
