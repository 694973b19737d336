/**
 * Configuration of the `takedown.*` actions: where DNS, RDAP and the phishing site are asked, and through which
 * providers (SMTP, Netcraft, Cloudflare) a report goes. Parsed once in the composition root, like `config/config.ts`.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';

/** Every variable this section reads (see `variables.ts`): add one here when the section reads it. */
export const TAKEDOWN_VARIABLES = [
  'TAKEDOWN_DNS_SERVERS',
  'TAKEDOWN_DNS_TIMEOUT_MS',
  'TAKEDOWN_RDAP_BOOTSTRAP_URL',
  'TAKEDOWN_SITE_SCHEME',
  'TAKEDOWN_SITE_PORT',
  'TAKEDOWN_SITE_TIMEOUT_MS',
  'TAKEDOWN_SITE_ALLOW_PRIVATE',
  'TAKEDOWN_REPORTER_NAME',
  'TAKEDOWN_REPORTER_EMAIL',
  'TAKEDOWN_STATE_DIR',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_SECURE',
  'SMTP_USER',
  'SMTP_PASS',
  'SMTP_FROM',
  'NETCRAFT_API_TOKEN',
  'NETCRAFT_API_URL',
  'NETCRAFT_REGION',
  'NETCRAFT_BRAND',
  'CLOUDFLARE_API_TOKEN',
  'CLOUDFLARE_ACCOUNT_ID',
  'CLOUDFLARE_API_URL',
] as const;

type TakedownEnv = SectionEnv<typeof TAKEDOWN_VARIABLES>;

const port = z.coerce.number().int().min(1).max(65_535);

export const takedownConfigSchema = z.object({
  /** DNS servers (`host` or `host:port`) asked for evidence and checks; empty means the system's resolvers. */
  dnsServers: z.array(z.string().min(1)).default([]),
  /** Per-query DNS timeout. @default 3000 */
  dnsTimeoutMs: z.number().int().min(100).default(3_000),
  /** Where the IANA RDAP bootstrap files (`dns.json`, `ipv4.json`, `ipv6.json`) are served. */
  rdapBootstrapUrl: z.url().default('https://data.iana.org/rdap/'),
  /**
   * How the phishing site itself is fetched. The host is always the domain, resolved through `dnsServers`; scheme and
   * port can be changed so tests reach a local server at the address the DNS stand-in gives.
   */
  site: z
    .object({
      scheme: z.enum(['http', 'https']).default('https'),
      /** Defaults to the scheme's port. */
      port: port.optional(),
      timeoutMs: z.number().int().min(100).default(10_000),
      /** Fetch sites resolving to private or loopback addresses; only for tests against local stand-ins. */
      allowPrivateAddresses: z.boolean().default(false),
    })
    .default({ scheme: 'https', timeoutMs: 10_000, allowPrivateAddresses: false }),
  /** Who the reports come from: named in every report, and the address providers answer to. */
  reporter: z.object({ name: z.string().min(1).default('cordon'), email: z.email() }).optional(),
  smtp: z
    .object({
      host: z.string().min(1),
      port: port.default(587),
      /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      user: z.string().optional(),
      pass: z.string().optional(),
      from: z.email(),
    })
    .optional(),
  netcraft: z
    .object({
      token: z.string().min(1),
      /** The takedown service's base URL. */
      url: z.url().default('https://takedown.netcraft.com/'),
      region: z.string().optional(),
      brand: z.string().optional(),
    })
    .optional(),
  cloudflare: z
    .object({
      token: z.string().min(1),
      accountId: z.string().min(1),
      url: z.url().default('https://api.cloudflare.com/client/v4/'),
    })
    .optional(),
  /** Where the record of sent reports is kept, so a domain is never reported twice to one recipient. */
  stateDir: z.string().min(1),
});

export type TakedownConfig = z.output<typeof takedownConfigSchema>;

/** Any `TAKEDOWN_*` variable, or a provider's, turns the takedown actions on. */
function mentionsTakedown(env: TakedownEnv): boolean {
  return Object.entries(env).some(
    ([name, value]) =>
      Boolean(value) &&
      (name.startsWith('TAKEDOWN_') || ['SMTP_HOST', 'NETCRAFT_API_TOKEN', 'CLOUDFLARE_API_TOKEN'].includes(name)),
  );
}

function list(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function flag(env: TakedownEnv, name: keyof TakedownEnv): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, not "${raw}"`);
}

function integer(env: TakedownEnv, name: keyof TakedownEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, not "${raw}"`);
  return value;
}

/** Maps a schema path back to the variable a user would have to fix. */
const VARIABLE_OF_PATH: Record<string, string> = {
  dnsServers: 'TAKEDOWN_DNS_SERVERS',
  dnsTimeoutMs: 'TAKEDOWN_DNS_TIMEOUT_MS',
  rdapBootstrapUrl: 'TAKEDOWN_RDAP_BOOTSTRAP_URL',
  'site.scheme': 'TAKEDOWN_SITE_SCHEME',
  'site.port': 'TAKEDOWN_SITE_PORT',
  'site.timeoutMs': 'TAKEDOWN_SITE_TIMEOUT_MS',
  'site.allowPrivateAddresses': 'TAKEDOWN_SITE_ALLOW_PRIVATE',
  'reporter.email': 'TAKEDOWN_REPORTER_EMAIL (or SMTP_FROM)',
  'smtp.port': 'SMTP_PORT',
  'smtp.from': 'SMTP_FROM',
  'netcraft.url': 'NETCRAFT_API_URL',
  'cloudflare.accountId': 'CLOUDFLARE_ACCOUNT_ID',
  'cloudflare.url': 'CLOUDFLARE_API_URL',
};

/**
 * Reads the takedown section from an environment. Returns `undefined` when no takedown variable is set: the actions
 * then fail with `NotConfigured` instead of guessing. The record of sent reports goes to `TAKEDOWN_STATE_DIR`, or to
 * `takedown/` under `dataDir`.
 */
export function takedownConfigFromEnv(
  env: TakedownEnv,
  options: { dataDir?: string } = {},
): TakedownConfig | undefined {
  if (!mentionsTakedown(env)) return undefined;
  if (env.SMTP_HOST && !env.SMTP_FROM) {
    throw new ConfigError(
      'takedown configuration: SMTP_HOST is set, so SMTP_FROM must be too: the address reports are sent from, ' +
        'e.g. secops@example.com',
    );
  }
  const from = env.SMTP_FROM || undefined;
  const reporterEmail = env.TAKEDOWN_REPORTER_EMAIL || from;
  const parsed = takedownConfigSchema.safeParse({
    dnsServers: list(env.TAKEDOWN_DNS_SERVERS),
    dnsTimeoutMs: integer(env, 'TAKEDOWN_DNS_TIMEOUT_MS'),
    rdapBootstrapUrl: env.TAKEDOWN_RDAP_BOOTSTRAP_URL || undefined,
    site: {
      scheme: env.TAKEDOWN_SITE_SCHEME || undefined,
      port: env.TAKEDOWN_SITE_PORT || undefined,
      timeoutMs: integer(env, 'TAKEDOWN_SITE_TIMEOUT_MS'),
      allowPrivateAddresses: flag(env, 'TAKEDOWN_SITE_ALLOW_PRIVATE'),
    },
    reporter: reporterEmail ? { name: env.TAKEDOWN_REPORTER_NAME || undefined, email: reporterEmail } : undefined,
    smtp: env.SMTP_HOST
      ? {
          host: env.SMTP_HOST,
          port: env.SMTP_PORT || undefined,
          secure: flag(env, 'SMTP_SECURE'),
          user: env.SMTP_USER || undefined,
          pass: env.SMTP_PASS || undefined,
          from,
        }
      : undefined,
    netcraft: env.NETCRAFT_API_TOKEN
      ? {
          token: env.NETCRAFT_API_TOKEN,
          url: env.NETCRAFT_API_URL || undefined,
          region: env.NETCRAFT_REGION || undefined,
          brand: env.NETCRAFT_BRAND || undefined,
        }
      : undefined,
    cloudflare: env.CLOUDFLARE_API_TOKEN
      ? {
          token: env.CLOUDFLARE_API_TOKEN,
          accountId: env.CLOUDFLARE_ACCOUNT_ID,
          url: env.CLOUDFLARE_API_URL || undefined,
        }
      : undefined,
    stateDir: env.TAKEDOWN_STATE_DIR || path.join(options.dataDir ?? path.join(process.cwd(), '.cordon'), 'takedown'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.map(String).join('.') ?? '';
    throw new ConfigError(`takedown configuration: ${VARIABLE_OF_PATH[at] ?? at}: ${issue?.message}`);
  }
  if (parsed.data.cloudflare && !parsed.data.reporter) {
    // Cloudflare requires the reporter's address in every report.
    throw new ConfigError('takedown configuration: CLOUDFLARE_API_TOKEN needs TAKEDOWN_REPORTER_EMAIL (or SMTP_FROM)');
  }
  return parsed.data;
}
