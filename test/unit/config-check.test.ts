import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';
import { effectiveConfig } from '../../config/effective-config';

describe('cordon config check', () => {
  it('lists every problem of every section in one error', () => {
    const start = () =>
      loadConfig({
        CORDON_TASK_QUEU: 'x',
        CORDON_LOG_FORMAT: 'yaml',
        CORDON_METRICS_PORT: 'x',
        CORDON_CODEC_KEYS: 'bad',
        CORDON_LOG_LEVEL: 'LOUD',
      });
    expect(start).toThrow(ConfigError);
    let error: unknown;
    try {
      start();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error instanceof ConfigError ? error.problems : [];
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/CORDON_TASK_QUEU \(did you mean "CORDON_TASK_QUEUE"\?\)/);
    expect(problems.join('\n')).toMatch(/logLevel/);
    expect(problems.join('\n')).toMatch(/CORDON_LOG_FORMAT/);
    expect(problems.join('\n')).toMatch(/CORDON_METRICS_PORT/);
    expect(problems.join('\n')).toMatch(/CORDON_CODEC_KEYS/);
    expect(String(error instanceof Error ? error.message : '')).toMatch(/^5 configuration problems:\n {2}- /);
  });

  it('prints the effective configuration with every secret masked', () => {
    const codecKey = randomBytes(32).toString('base64');
    const config = loadConfig({
      OKTA_ORG_URL: 'http://127.0.0.1:9',
      OKTA_API_TOKEN: 'okta-token-1234567890',
      CORDON_CODEC_KEYS: `k1:${codecKey}`,
      CORDON_METRICS_PORT: '9464',
    });
    const printed = JSON.stringify(effectiveConfig(config));
    expect(printed).not.toContain('okta-token-1234567890');
    expect(printed).not.toContain(codecKey);
    expect(effectiveConfig(config)).toMatchObject({
      okta: { orgUrl: 'http://127.0.0.1:9', auth: '[redacted]' },
      codec: { keys: { k1: '[redacted] (32 bytes)' }, activeKeyId: 'k1' },
      telemetry: { metricsAddress: '0.0.0.0:9464', logFormat: 'auto' },
      temporal: { taskQueue: 'cordon', namespace: 'default' },
    });
  });
});
