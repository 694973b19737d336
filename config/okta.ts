/**
 * The Okta section of the worker's configuration: the org URL and one of two credentials, an SSWS API token or an
 * OAuth 2.0 service app with a private key (PEM or JWK). Parsed once in the composition root; `oktaConfigFromEnv`
 * returns undefined when Okta is not configured, so a worker without Okta still starts (its Okta actions then fail
 * with NotConfigured).
 */
import { z } from 'zod';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';
import { wholeNumber } from './whole-number';

/** Every variable this section reads (see `variables.ts`): add one here when the section reads it. */
export const OKTA_VARIABLES = [
  'OKTA_ORG_URL',
  'OKTA_API_TOKEN',
  'OKTA_CLIENT_ID',
  'OKTA_PRIVATE_KEY',
  'OKTA_KEY_ID',
  'OKTA_SCOPES',
  'OKTA_REQUEST_TIMEOUT_MS',
  'OKTA_HTTPS_PROXY',
] as const;

type OktaEnv = SectionEnv<typeof OKTA_VARIABLES>;

/** The scopes the `okta.*` actions use, requested by default for a service app. */
export const OKTA_DEFAULT_SCOPES = [
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.read',
  'okta.groups.manage',
  'okta.logs.read',
  'okta.networkZones.read',
  'okta.networkZones.manage',
  // Read to find the super-admins no action may change (see config/guardrails.ts).
  'okta.roles.read',
] as const;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, except on the loopback interface, where the local Okta stand-in serves plain http. */
const orgUrl = z
  .url()
  .refine(
    (value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    },
    { message: 'must be https:// (http:// is accepted only for 127.0.0.1, localhost and [::1])' },
  )
  // The SDK appends paths to the org URL as given; a trailing slash would double it.
  .transform((value) => value.replace(/\/+$/, ''));

export const oktaAuthSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('ssws'), token: z.string().min(1) }),
  z.object({
    mode: z.literal('privateKey'),
    clientId: z.string().min(1),
    /** PEM (PKCS#1 or PKCS#8) or a JWK as JSON. */
    privateKey: z.string().min(1),
    /** The key id registered with the app; a JWK's own `kid` wins. */
    keyId: z.string().optional(),
    scopes: z.array(z.string().min(1)).min(1),
  }),
]);

export const oktaConfigSchema = z.object({
  orgUrl,
  auth: oktaAuthSchema,
  /**
   * Limit of one HTTP exchange with Okta. Waits for a rate-limit reset are not part of it: they are bounded by the
   * step's timeout (see `activities/okta/request-executor.ts`).
   * @default 30000
   */
  requestTimeoutMs: z.number().int().min(100).default(30_000),
  /** An explicit HTTPS proxy; ambient `HTTPS_PROXY` variables are ignored on purpose. */
  httpsProxy: z.url().optional(),
});

export type OktaConfig = z.output<typeof oktaConfigSchema>;
export type OktaConfigInput = z.input<typeof oktaConfigSchema>;

/** Env files hold a PEM on one line with `\n` escapes; JWKs pass through. */
function privateKeyFrom(raw: string): string {
  return raw.trim().startsWith('{') ? raw : raw.replace(/\\n/g, '\n');
}

function authFrom(env: OktaEnv): z.input<typeof oktaAuthSchema> | undefined {
  if (env.OKTA_API_TOKEN) {
    if (env.OKTA_CLIENT_ID || env.OKTA_PRIVATE_KEY) {
      throw new ConfigError('set either OKTA_API_TOKEN or OKTA_CLIENT_ID with OKTA_PRIVATE_KEY, not both');
    }
    return { mode: 'ssws', token: env.OKTA_API_TOKEN };
  }
  if (env.OKTA_CLIENT_ID || env.OKTA_PRIVATE_KEY) {
    if (!env.OKTA_CLIENT_ID || !env.OKTA_PRIVATE_KEY) {
      throw new ConfigError('OKTA_CLIENT_ID and OKTA_PRIVATE_KEY go together (a service app and its private key)');
    }
    const scopes = env.OKTA_SCOPES ? env.OKTA_SCOPES.split(/[\s,]+/).filter(Boolean) : [...OKTA_DEFAULT_SCOPES];
    return {
      mode: 'privateKey',
      clientId: env.OKTA_CLIENT_ID,
      privateKey: privateKeyFrom(env.OKTA_PRIVATE_KEY),
      keyId: env.OKTA_KEY_ID || undefined,
      scopes,
    };
  }
  return undefined;
}

/**
 * Reads OKTA_ORG_URL with OKTA_API_TOKEN, or with OKTA_CLIENT_ID + OKTA_PRIVATE_KEY (+ OKTA_KEY_ID, OKTA_SCOPES), and
 * optionally OKTA_REQUEST_TIMEOUT_MS and OKTA_HTTPS_PROXY. Undefined when none is set.
 */
export function oktaConfigFromEnv(env: OktaEnv): OktaConfig | undefined {
  const auth = authFrom(env);
  if (!env.OKTA_ORG_URL && !auth) return undefined;
  if (!env.OKTA_ORG_URL) throw new ConfigError('OKTA_ORG_URL is required when Okta credentials are set');
  if (!auth)
    throw new ConfigError(
      'OKTA_ORG_URL is set but no credentials: set OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY',
    );
  const parsed = oktaConfigSchema.safeParse({
    orgUrl: env.OKTA_ORG_URL,
    auth,
    requestTimeoutMs: wholeNumber(env, 'OKTA_REQUEST_TIMEOUT_MS'),
    httpsProxy: env.OKTA_HTTPS_PROXY || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Never echo the value: it may be the token or the key.
    throw new ConfigError(`Okta configuration: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
