import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/config';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../temporal/workflow-cache';

describe('CORDON_MAX_CACHED_WORKFLOWS', () => {
  it('bounds the workflow cache at 100 runs when unset', () => {
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(100);
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBe(100);
    expect(loadConfig({ CORDON_MAX_CACHED_WORKFLOWS: '' }).temporal.maxCachedWorkflows).toBe(100);
  });

  it('takes a whole number of at least 2', () => {
    expect(loadConfig({ CORDON_MAX_CACHED_WORKFLOWS: '2' }).temporal.maxCachedWorkflows).toBe(2);
    expect(loadConfig({ CORDON_MAX_CACHED_WORKFLOWS: ' 500 ' }).temporal.maxCachedWorkflows).toBe(500);
  });

  it.each(['0', '1', '-5', '2.5', '1e3', 'many', '99999999999999999999'])(
    'refuses %j, naming the variable and what it takes',
    (raw) => {
      const start = () => loadConfig({ CORDON_MAX_CACHED_WORKFLOWS: raw });
      expect(start).toThrow(ConfigError);
      expect(start).toThrow(`CORDON_MAX_CACHED_WORKFLOWS: "${raw}" is not a whole number of at least 2`);
    },
  );

  it('is listed with the other problems when several variables are wrong', () => {
    const start = () => loadConfig({ CORDON_MAX_CACHED_WORKFLOWS: 'x', CORDON_METRICS_PORT: 'y' });
    expect(start).toThrow(/2 configuration problems:[\s\S]*CORDON_MAX_CACHED_WORKFLOWS[\s\S]*CORDON_METRICS_PORT/);
  });
});
