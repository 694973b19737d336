/**
 * Every environment variable cordon reads, gathered from the configuration sections that read them, and the check
 * that refuses a variable with one of cordon's prefixes that nothing reads. A misspelt `NETCRAFT_URL` for
 * `NETCRAFT_API_URL` would otherwise be ignored silently, and the reports would go to the real Netcraft.
 *
 * Each section declares its variables once (`TAKEDOWN_VARIABLES` in `takedown.ts`, …) and types its `env` parameter
 * with `SectionEnv<typeof ITS_VARIABLES>`, so the compiler refuses a read of a variable missing from its list: adding
 * a variable is one line in the list of the section that reads it.
 */
import { didYouMean } from '../dsl/suggest';
import { ConfigError } from './config-error';
import { CORE_VARIABLES } from './core-variables';
import type { Env } from './section-env';
import { GUARDRAILS_VARIABLES } from './guardrails';
import { HOOKS_VARIABLES } from './hooks';
import { OKTA_VARIABLES } from './okta';
import { PEOPLE_VARIABLES } from './people';
import { HTTP_VARIABLES, SLACK_VARIABLES } from './slack';
import { TAKEDOWN_VARIABLES } from './takedown';
import { TELEMETRY_VARIABLES } from './telemetry';
import { CODEC_VARIABLES } from './codec';
import { CODEC_SERVER_VARIABLES } from './codec-server';

/** Prefixes that are cordon's: a variable with one of them that no section reads is refused. */
export const CHECKED_PREFIXES = [
  'CORDON_',
  'OKTA_',
  'SLACK_',
  'SMTP_',
  'TAKEDOWN_',
  'NETCRAFT_',
  'CLOUDFLARE_',
] as const;

/** Every variable with a checked prefix that some section reads, sorted. */
export function knownVariables(): string[] {
  return [
    ...CORE_VARIABLES,
    ...GUARDRAILS_VARIABLES,
    ...HOOKS_VARIABLES,
    ...OKTA_VARIABLES,
    ...PEOPLE_VARIABLES.filter((name) => name.startsWith('CORDON_')),
    ...SLACK_VARIABLES,
    ...HTTP_VARIABLES,
    ...TAKEDOWN_VARIABLES,
    ...TELEMETRY_VARIABLES,
    ...CODEC_VARIABLES,
    ...CODEC_SERVER_VARIABLES,
  ].sort();
}

/** Refuses set variables with cordon's prefixes that no section reads (empty values count as unset). */
export function refuseUnknownVariables(env: Env): void {
  const known = knownVariables();
  const readable = new Set(known);
  const unknown = Object.entries(env)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name]) => name)
    .filter((name) => CHECKED_PREFIXES.some((prefix) => name.startsWith(prefix)) && !readable.has(name))
    .sort();
  if (unknown.length === 0) return;
  // A ConfigError, as every other configuration mistake: the CLI shows it as one line.
  throw new ConfigError(
    `unknown configuration variable${unknown.length > 1 ? 's' : ''}: ` +
      unknown.map((name) => `${name}${didYouMean(name, known)}`).join(', ') +
      '; see the variable tables in README.md',
  );
}
