/**
 * The detection receiver's section of the configuration: the Okta event hook secret, one secret per signed-webhook
 * source, the indicator lists that trigger conditions read, and the receiver's limits. Parsed once in the composition
 * root; secrets are never echoed in errors.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';
import { wholeNumber } from './whole-number';

/** Every variable this section reads (see `variables.ts`): add one here when the section reads it. */
export const HOOKS_VARIABLES = [
  'OKTA_EVENT_HOOK_SECRET',
  'CORDON_WEBHOOK_SECRETS',
  'CORDON_INDICATORS',
  'CORDON_INDICATORS_FILE',
  'CORDON_HOOK_MAX_BODY_BYTES',
  'CORDON_HOOK_REPLAY_WINDOW_SECONDS',
  'CORDON_HOOK_START_DEADLINE_MS',
  'CORDON_HOOK_EVENT_MAX_AGE_SECONDS',
  'CORDON_HOOK_EVENT_MAX_FUTURE_SECONDS',
  'CORDON_HOOK_EVENT_ID_TTL_SECONDS',
  'CORDON_HOOKS_STATE_DIR',
] as const;

type HooksEnv = SectionEnv<typeof HOOKS_VARIABLES>;

/** The source name of Okta event hooks; a signed-webhook source may not take it. */
export const OKTA_SOURCE = 'okta';

/** A webhook source name: the last segment of `/hooks/webhook/:source` and a trigger's `detection`. */
export const sourceNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and -')
  .refine((name) => name !== OKTA_SOURCE, { message: `"${OKTA_SOURCE}" is the Okta event hook's source` });

// Short shared secrets can be guessed offline from one captured signature.
const secret = z.string().min(16, 'must be at least 16 characters');

/** Named indicator lists (`indicators.ips`, `indicators.domains`, …) that trigger conditions test events against. */
export const indicatorsSchema = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.array(z.string().trim().min(1)))
  .transform((lists) => ({
    ...lists,
    ips: lists.ips ?? [],
    // Domains compare case-insensitively, as DNS does.
    domains: (lists.domains ?? []).map((domain) => domain.toLowerCase().replace(/\.$/, '')),
  }));

export type Indicators = z.output<typeof indicatorsSchema>;

export const hooksConfigSchema = z.object({
  /** The `Authorization` header value configured on the Okta event hook; Okta hooks are refused without it. */
  oktaSecret: secret.optional(),
  /** Signed-webhook sources and their secrets; more than one secret per source lets a secret be rotated. */
  webhookSecrets: z.record(sourceNameSchema, z.array(secret).min(1)).default({}),
  indicators: indicatorsSchema.default({ ips: [], domains: [] }),
  /**
   * Largest accepted request body; larger ones get 413.
   * @default 1048576
   */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /**
   * How far a signed webhook's timestamp may be from now, either way.
   * @default 300000
   */
  replayWindowMs: z
    .number()
    .int()
    .min(1000)
    .default(5 * 60 * 1000),
  /**
   * How long an event id is remembered, so a redelivery or a replay is not processed twice. Kept on disk under
   * `stateDir`, so a restart of the receiver forgets nothing; at least `eventMaxAgeMs + eventMaxFutureMs`, so an Okta
   * event is remembered for as long as it could still be accepted.
   * @default 86400000
   */
  eventIdTtlMs: z
    .number()
    .int()
    .min(1000)
    .default(24 * 60 * 60 * 1000),
  /**
   * Okta events published longer ago than this are refused: a delivery captured or queued earlier cannot start a
   * containment later.
   * @default 900000
   */
  eventMaxAgeMs: z
    .number()
    .int()
    .min(1000)
    .default(15 * 60 * 1000),
  /**
   * How far in the future an Okta event's `published` time may be (clock skew between Okta and this host).
   * @default 300000
   */
  eventMaxFutureMs: z
    .number()
    .int()
    .min(0)
    .default(5 * 60 * 1000),
  /** Where the receiver keeps what must survive a restart (the event ids it has accepted). */
  stateDir: z.string().min(1),
  /**
   * How many event ids are remembered at most; the oldest are forgotten first.
   * @default 50000
   */
  eventIdCapacity: z.number().int().min(100).default(50_000),
  /**
   * How long a delivery waits for its runs to start before it is answered anyway (Okta gives up after 3 s); the starts
   * then finish in the background.
   * @default 2000
   */
  startDeadlineMs: z.number().int().min(100).default(2000),
});

export type HooksConfig = z.output<typeof hooksConfigSchema>;

function json(env: HooksEnv, name: keyof HooksEnv): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    // The message of JSON.parse quotes the text, which may hold a secret: name the variable only.
    throw new ConfigError(
      `${name} is not valid JSON (${error instanceof SyntaxError ? 'syntax error' : 'unreadable'})`,
    );
  }
}

/** `{"siem": "secret"}` or `{"siem": ["new", "old"]}`: a single secret is a list of one. */
function webhookSecrets(env: HooksEnv): unknown {
  const raw = json(env, 'CORDON_WEBHOOK_SECRETS');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  return Object.fromEntries(
    Object.entries(raw).map(([source, value]) => [source, typeof value === 'string' ? [value] : value]),
  );
}

function indicators(env: HooksEnv): unknown {
  const file = env.CORDON_INDICATORS_FILE;
  if (env.CORDON_INDICATORS && file) throw new ConfigError('set CORDON_INDICATORS or CORDON_INDICATORS_FILE, not both');
  if (!file) return json(env, 'CORDON_INDICATORS');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`CORDON_INDICATORS_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`CORDON_INDICATORS_FILE: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads OKTA_EVENT_HOOK_SECRET, CORDON_WEBHOOK_SECRETS (JSON: source → secret or [secrets]), CORDON_INDICATORS (JSON:
 * `{"ips": [...], "domains": [...]}`) or CORDON_INDICATORS_FILE (the same JSON in a file), CORDON_HOOK_MAX_BODY_BYTES,
 * CORDON_HOOK_REPLAY_WINDOW_SECONDS, CORDON_HOOK_START_DEADLINE_MS, CORDON_HOOK_EVENT_MAX_AGE_SECONDS,
 * CORDON_HOOK_EVENT_MAX_FUTURE_SECONDS, CORDON_HOOK_EVENT_ID_TTL_SECONDS and CORDON_HOOKS_STATE_DIR (default
 * `<dataDir>/hooks`). Everything is optional: without secrets the receiver refuses every delivery.
 */
export function hooksConfigFromEnv(env: HooksEnv, options: { dataDir: string }): HooksConfig {
  const seconds = (name: keyof HooksEnv) => {
    const value = wholeNumber(env, name);
    return value === undefined ? undefined : value * 1000;
  };
  const parsed = hooksConfigSchema.safeParse({
    oktaSecret: env.OKTA_EVENT_HOOK_SECRET || undefined,
    webhookSecrets: webhookSecrets(env),
    indicators: indicators(env),
    maxBodyBytes: wholeNumber(env, 'CORDON_HOOK_MAX_BODY_BYTES'),
    replayWindowMs: seconds('CORDON_HOOK_REPLAY_WINDOW_SECONDS'),
    startDeadlineMs: wholeNumber(env, 'CORDON_HOOK_START_DEADLINE_MS'),
    eventMaxAgeMs: seconds('CORDON_HOOK_EVENT_MAX_AGE_SECONDS'),
    eventMaxFutureMs: seconds('CORDON_HOOK_EVENT_MAX_FUTURE_SECONDS'),
    eventIdTtlMs: seconds('CORDON_HOOK_EVENT_ID_TTL_SECONDS'),
    stateDir: env.CORDON_HOOKS_STATE_DIR || path.join(options.dataDir, 'hooks'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Never echo the value: it may be a secret.
    throw new ConfigError(`hooks configuration: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const { eventIdTtlMs, eventMaxAgeMs, eventMaxFutureMs } = parsed.data;
  if (eventIdTtlMs < eventMaxAgeMs + eventMaxFutureMs) {
    // A shorter memory would forget an event while a replay of it is still accepted as fresh.
    throw new ConfigError(
      `hooks configuration: CORDON_HOOK_EVENT_ID_TTL_SECONDS (${eventIdTtlMs / 1000}) must be at least CORDON_HOOK_EVENT_MAX_AGE_SECONDS + CORDON_HOOK_EVENT_MAX_FUTURE_SECONDS (${(eventMaxAgeMs + eventMaxFutureMs) / 1000})`,
    );
  }
  return parsed.data;
}
