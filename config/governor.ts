/**
 * The governor's limits (part of the guardrails section): how many changes of each action may run per window across
 * all runs of a task queue, how many items of a destructive `forEach` one run may change, how long a held change
 * waits, and how many detections per source may start runs. Parsed once in the composition root.
 */
import { isDuration, parseDuration } from '../dsl/duration';
import type { WindowLimit } from '../workflows/governor-state';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';

export const GOVERNOR_VARIABLES = [
  'CORDON_LIMITS',
  'CORDON_FOREACH_MAX_ITEMS',
  'CORDON_LIMIT_RECHECK',
  'CORDON_LIMIT_MAX_HOLD',
  'CORDON_DETECTION_RATE',
] as const;

type GovernorEnv = SectionEnv<typeof GOVERNOR_VARIABLES>;

export interface GovernorConfig {
  /** Changes per window, by action name, across all runs. @default okta.suspend_user 25/1h, okta.clear_sessions 50/1h */
  limits: Record<string, WindowLimit>;
  /** Items of one destructive `forEach` step one run may change without a separate approval. @default 100 */
  forEachMaxItems: number;
  /** How often a held change asks again at most (sooner when its window frees). @default 1m */
  recheckMs: number;
  /** How long a change waits for room under its limit before it fails `LimitReached`; 0 fails at once. @default 24h */
  maxHoldMs: number;
  /** Detections per source that may start runs per window; the rest start nothing. @default 100/1m */
  detectionRate: WindowLimit;
}

export const DEFAULT_GOVERNOR: GovernorConfig = {
  limits: {
    'okta.suspend_user': { max: 25, windowMs: 3_600_000 },
    'okta.clear_sessions': { max: 50, windowMs: 3_600_000 },
  },
  forEachMaxItems: 100,
  recheckMs: 60_000,
  maxHoldMs: 86_400_000,
  detectionRate: { max: 100, windowMs: 60_000 },
};

const ACTION_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** `25/1h`: at most 25 per hour. */
function windowLimit(name: string, text: string): WindowLimit {
  const match = /^(\d{1,7})\/(.+)$/.exec(text.trim());
  if (!match?.[1] || !match[2] || !isDuration(match[2]) || parseDuration(match[2]) === 0) {
    throw new ConfigError(`${name}: "${text}" is not a limit (use COUNT/WINDOW, e.g. 25/1h)`);
  }
  return { max: Number(match[1]), windowMs: parseDuration(match[2]) };
}

/** `okta.suspend_user=25/1h, okta.clear_sessions=off`: merged into the defaults; `off` removes a limit. */
function limits(raw: string | undefined): Record<string, WindowLimit> {
  const result: Record<string, WindowLimit> = { ...DEFAULT_GOVERNOR.limits };
  for (const entry of (raw ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [action, value, extra] = entry.split('=').map((part) => part.trim());
    if (!action || !value || extra !== undefined || !ACTION_NAME.test(action)) {
      throw new ConfigError(`CORDON_LIMITS: "${entry}" is not ACTION=COUNT/WINDOW (e.g. okta.suspend_user=25/1h)`);
    }
    if (value === 'off') delete result[action];
    else result[action] = windowLimit(`CORDON_LIMITS (${action})`, value);
  }
  return result;
}

function duration(env: GovernorEnv, name: (typeof GOVERNOR_VARIABLES)[number], fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!isDuration(raw)) throw new ConfigError(`${name} must be a duration such as 30s, 5m or 24h, got "${raw}"`);
  return parseDuration(raw);
}

export function governorConfigFromEnv(env: GovernorEnv): GovernorConfig {
  const items = env.CORDON_FOREACH_MAX_ITEMS;
  if (items !== undefined && items !== '' && !/^\d{1,7}$/.test(items)) {
    throw new ConfigError(`CORDON_FOREACH_MAX_ITEMS must be a whole number, got "${items}"`);
  }
  const recheckMs = duration(env, 'CORDON_LIMIT_RECHECK', DEFAULT_GOVERNOR.recheckMs);
  if (recheckMs === 0) throw new ConfigError('CORDON_LIMIT_RECHECK must be longer than 0');
  return {
    limits: limits(env.CORDON_LIMITS),
    forEachMaxItems: items ? Number(items) : DEFAULT_GOVERNOR.forEachMaxItems,
    recheckMs,
    maxHoldMs: duration(env, 'CORDON_LIMIT_MAX_HOLD', DEFAULT_GOVERNOR.maxHoldMs),
    detectionRate: env.CORDON_DETECTION_RATE
      ? windowLimit('CORDON_DETECTION_RATE', env.CORDON_DETECTION_RATE)
      : DEFAULT_GOVERNOR.detectionRate,
  };
}
