import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';
import { effectiveLogFormat, telemetryConfigFromEnv } from '../../config/telemetry';
import { formatJson, formatText } from '../../temporal/log-format';

describe('telemetry configuration', () => {
  it('is off by default: no metrics endpoint, no traces, and the log format follows the terminal', () => {
    expect(loadConfig({}).telemetry).toEqual({ logFormat: 'auto' });
    expect(effectiveLogFormat('auto', true)).toBe('text');
    expect(effectiveLogFormat('auto', false)).toBe('json');
    expect(effectiveLogFormat('text', false)).toBe('text');
  });

  it('serves metrics on all interfaces at the configured port, or on the host given', () => {
    expect(telemetryConfigFromEnv({ CORDON_METRICS_PORT: '9464' }).metricsAddress).toBe('0.0.0.0:9464');
    expect(
      telemetryConfigFromEnv({ CORDON_METRICS_PORT: '9464', CORDON_METRICS_HOST: '127.0.0.1' }).metricsAddress,
    ).toBe('127.0.0.1:9464');
    expect(telemetryConfigFromEnv({ CORDON_METRICS_PORT: '9464', CORDON_METRICS_HOST: '::1' }).metricsAddress).toBe(
      '[::1]:9464',
    );
  });

  it('exports traces to the OTLP/HTTP receiver at the configured base URL', () => {
    expect(telemetryConfigFromEnv({ CORDON_OTLP_ENDPOINT: 'http://otel-collector:4318/' }).otlpEndpoint).toBe(
      'http://otel-collector:4318',
    );
    expect(telemetryConfigFromEnv({ CORDON_OTLP_ENDPOINT: 'https://tempo.example/otlp' }).otlpEndpoint).toBe(
      'https://tempo.example/otlp',
    );
  });

  it.each([
    [{ CORDON_OTLP_ENDPOINT: 'otel-collector:4318' }, 'CORDON_OTLP_ENDPOINT: "otel-collector:4318" is not an http'],
    [{ CORDON_OTLP_ENDPOINT: 'localhost 4318' }, 'CORDON_OTLP_ENDPOINT: "localhost 4318" is not a URL'],
    [{ CORDON_OTLP_ENDPOINT: 'grpc://collector:4317' }, 'CORDON_OTLP_ENDPOINT: "grpc://collector:4317" is not an http'],
    [{ CORDON_OTLP_ENDPOINT: 'http://collector:4318/?x=1' }, 'has a query or fragment'],
    [{ CORDON_METRICS_PORT: 'ninety' }, 'CORDON_METRICS_PORT: "ninety" is not a port (1-65535)'],
    [{ CORDON_METRICS_PORT: '70000' }, 'CORDON_METRICS_PORT: "70000" is not a port (1-65535)'],
    [{ CORDON_METRICS_HOST: '127.0.0.1' }, 'CORDON_METRICS_HOST is set without CORDON_METRICS_PORT'],
    [{ CORDON_LOG_FORMAT: 'yaml' }, 'CORDON_LOG_FORMAT: "yaml" is not one of json, text, auto'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('log lines', () => {
  const entry = {
    level: 'INFO' as const,
    message: 'Okta suspendUser: user 00u1 ACTIVE -> SUSPENDED',
    timestampNanos: 1_780_000_000_123_000_000n,
    meta: {
      sdkComponent: 'activity',
      taskToken: 'secret-ish',
      workflowId: 'cordon/okta-account-compromise/bob@example.com',
      workflowRunId: '01a22835-95ef-7b47-99ef-d8028fcd6b2f',
      activityId: 'suspend',
      activityType: 'okta.suspend_user',
      workflowType: 'runPlaybook',
      attempt: 2,
      grants: 3,
    },
  };

  it('are one JSON object naming the run, step and action, without SDK internals', () => {
    const line = formatJson(entry);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2026-05-28T20:26:40.123Z',
      level: 'INFO',
      message: 'Okta suspendUser: user 00u1 ACTIVE -> SUSPENDED',
      workflowId: 'cordon/okta-account-compromise/bob@example.com',
      runId: '01a22835-95ef-7b47-99ef-d8028fcd6b2f',
      step: 'suspend',
      action: 'okta.suspend_user',
      attempt: 2,
      grants: 3,
    });
  });

  it('are compact for a person at a terminal', () => {
    expect(formatText(entry)).toBe(
      'INFO  [cordon/okta-account-compromise/bob@example.com suspend okta.suspend_user] ' +
        'Okta suspendUser: user 00u1 ACTIVE -> SUSPENDED {"grants":3}',
    );
  });
});
