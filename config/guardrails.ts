/**
 * The guardrails section of the worker's configuration: what cordon's automation may never touch. Parsed once in the
 * composition root and passed to the Okta handlers, which enforce it themselves (defence in depth: whatever a
 * playbook says).
 */
import { parseCidr, type Cidr } from '../activities/okta/cidr';
import { ConfigError } from './config-error';
import { DEFAULT_GOVERNOR, GOVERNOR_VARIABLES, governorConfigFromEnv, type GovernorConfig } from './governor';
import type { SectionEnv } from './section-env';

/** Every variable this section reads (see `variables.ts`). */
export const GUARDRAILS_VARIABLES = [
  'OKTA_BLOCK_MIN_PREFIX_V4',
  'OKTA_BLOCK_MIN_PREFIX_V6',
  'CORDON_EGRESS_CIDRS',
  'OKTA_CORPORATE_CIDRS',
  'OKTA_PROTECTED_USERS',
  'OKTA_PROTECTED_GROUPS',
  'OKTA_PROTECT_SUPER_ADMINS',
  'CORDON_GRANT_KEY',
  ...GOVERNOR_VARIABLES,
] as const;

type GuardrailsEnv = SectionEnv<typeof GUARDRAILS_VARIABLES>;
type GuardrailsVariable = (typeof GUARDRAILS_VARIABLES)[number];

export interface NetworkGuardrails {
  /** The widest IPv4 block `okta.block_ips` accepts. @default 16 */
  minPrefixV4: number;
  /** The widest IPv6 block `okta.block_ips` accepts. @default 32 */
  minPrefixV6: number;
  /** The addresses cordon itself reaches Okta from: blocking them would lock cordon out. */
  egress: Cidr[];
  /** The organisation's own ranges (offices, VPN): blocking them would lock everyone out. */
  corporate: Cidr[];
}

export interface PrincipalGuardrails {
  /** Users (ids or logins) no Okta action changes. */
  users: string[];
  /** Groups (ids or names) whose members no Okta action changes. */
  groups: string[];
  /** Whether Okta super-admins are protected. @default true */
  superAdmins: boolean;
}

export interface GuardrailsConfig {
  network: NetworkGuardrails;
  principals: PrincipalGuardrails;
  /** Limits per action and window, per run, and per detection source (see config/governor.ts). */
  governor: GovernorConfig;
  /**
   * The key the worker signs protected-account grants with (activities/principal-grants.ts): every worker of a task
   * queue needs the same one. Absent: each worker process makes one of its own.
   */
  grantKey?: Uint8Array;
}

/** The shortest `CORDON_GRANT_KEY` accepted: a short key could be guessed, and a guessed key forges grants. */
export const GRANT_KEY_MIN_LENGTH = 32;

export const DEFAULT_GUARDRAILS: GuardrailsConfig = {
  network: { minPrefixV4: 16, minPrefixV6: 32, egress: [], corporate: [] },
  principals: { users: [], groups: [], superAdmins: true },
  governor: DEFAULT_GOVERNOR,
};

/** Comma-separated names (group names may hold spaces); addresses may also be separated by spaces. */
function list(env: GuardrailsEnv, name: GuardrailsVariable, separator: RegExp = /,/): string[] {
  return (env[name] ?? '')
    .split(separator)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function cidrs(env: GuardrailsEnv, name: GuardrailsVariable): Cidr[] {
  return list(env, name, /[\s,]+/).map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new ConfigError(`${name}: "${text}" is not an IP address or CIDR block`);
    return cidr;
  });
}

function prefix(env: GuardrailsEnv, name: GuardrailsVariable, bits: number, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > bits) {
    throw new ConfigError(`${name} must be a whole number from 0 to ${bits}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: GuardrailsEnv, name: GuardrailsVariable, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/**
 * Reads OKTA_BLOCK_MIN_PREFIX_V4, OKTA_BLOCK_MIN_PREFIX_V6, CORDON_EGRESS_CIDRS, OKTA_CORPORATE_CIDRS,
 * OKTA_PROTECTED_USERS, OKTA_PROTECTED_GROUPS, OKTA_PROTECT_SUPER_ADMINS and CORDON_GRANT_KEY; every one is optional.
 */
export function guardrailsConfigFromEnv(env: GuardrailsEnv): GuardrailsConfig {
  const defaults = DEFAULT_GUARDRAILS;
  return {
    network: {
      minPrefixV4: prefix(env, 'OKTA_BLOCK_MIN_PREFIX_V4', 32, defaults.network.minPrefixV4),
      minPrefixV6: prefix(env, 'OKTA_BLOCK_MIN_PREFIX_V6', 128, defaults.network.minPrefixV6),
      egress: cidrs(env, 'CORDON_EGRESS_CIDRS'),
      corporate: cidrs(env, 'OKTA_CORPORATE_CIDRS'),
    },
    principals: {
      users: list(env, 'OKTA_PROTECTED_USERS'),
      groups: list(env, 'OKTA_PROTECTED_GROUPS'),
      superAdmins: flag(env, 'OKTA_PROTECT_SUPER_ADMINS', defaults.principals.superAdmins),
    },
    governor: governorConfigFromEnv(env),
    ...grantKey(env),
  };
}

function grantKey(env: GuardrailsEnv): { grantKey?: Uint8Array } {
  const raw = env.CORDON_GRANT_KEY;
  if (raw === undefined || raw === '') return {};
  if (raw.length < GRANT_KEY_MIN_LENGTH) {
    throw new ConfigError(
      `CORDON_GRANT_KEY must be at least ${GRANT_KEY_MIN_LENGTH} characters (e.g. openssl rand -base64 32), got ${raw.length}`,
    );
  }
  return { grantKey: new TextEncoder().encode(raw) };
}
