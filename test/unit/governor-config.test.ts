import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { DEFAULT_GOVERNOR, governorConfigFromEnv } from '../../config/governor';
import { guardrailsConfigFromEnv } from '../../config/guardrails';

describe('governorConfigFromEnv', () => {
  it('defaults to 25 suspensions and 50 session revocations an hour, 100 items per run, 100 detections a minute', () => {
    expect(guardrailsConfigFromEnv({}).governor).toEqual(DEFAULT_GOVERNOR);
    expect(DEFAULT_GOVERNOR.limits).toEqual({
      'okta.suspend_user': { max: 25, windowMs: 3_600_000 },
      'okta.clear_sessions': { max: 50, windowMs: 3_600_000 },
    });
  });

  it('merges CORDON_LIMITS into the defaults; off removes one', () => {
    const config = governorConfigFromEnv({
      CORDON_LIMITS: 'okta.suspend_user=10/30m, okta.clear_sessions=off, okta.reset_factors=5/1d',
      CORDON_FOREACH_MAX_ITEMS: '40',
      CORDON_LIMIT_RECHECK: '10s',
      CORDON_LIMIT_MAX_HOLD: '0s',
      CORDON_DETECTION_RATE: '20/1m',
    });
    expect(config).toEqual({
      limits: {
        'okta.suspend_user': { max: 10, windowMs: 30 * 60_000 },
        'okta.reset_factors': { max: 5, windowMs: 24 * 60 * 60_000 },
      },
      forEachMaxItems: 40,
      recheckMs: 10_000,
      maxHoldMs: 0,
      detectionRate: { max: 20, windowMs: 60_000 },
    });
  });

  it('names the variable and the entry that does not parse', () => {
    expect(() => governorConfigFromEnv({ CORDON_LIMITS: 'okta.suspend_user:25/1h' })).toThrow(
      new ConfigError(
        'CORDON_LIMITS: "okta.suspend_user:25/1h" is not ACTION=COUNT/WINDOW (e.g. okta.suspend_user=25/1h)',
      ),
    );
    expect(() => governorConfigFromEnv({ CORDON_LIMITS: 'okta.suspend_user=25 per hour' })).toThrow(
      new ConfigError('CORDON_LIMITS (okta.suspend_user): "25 per hour" is not a limit (use COUNT/WINDOW, e.g. 25/1h)'),
    );
    expect(() => governorConfigFromEnv({ CORDON_FOREACH_MAX_ITEMS: 'many' })).toThrow(
      new ConfigError('CORDON_FOREACH_MAX_ITEMS must be a whole number, got "many"'),
    );
    expect(() => governorConfigFromEnv({ CORDON_LIMIT_RECHECK: '0s' })).toThrow(
      new ConfigError('CORDON_LIMIT_RECHECK must be longer than 0'),
    );
    expect(() => governorConfigFromEnv({ CORDON_DETECTION_RATE: '5/0s' })).toThrow(ConfigError);
  });
});
