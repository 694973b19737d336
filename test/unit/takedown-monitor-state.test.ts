import { describe, expect, it } from 'vitest';
import type { TakedownCheckResult } from '../../activities/takedown/specs';
import * as monitor from '../../workflows/takedown-monitor-state';

const T0 = Date.parse('2022-08-04T10:00:00Z');
const MINUTE = 60_000;

const input: monitor.TakedownMonitorInput = {
  domain: 'twilio-okta.com',
  reportedAt: new Date(T0).toISOString(),
  reportedTo: [{ provider: 'email', to: 'abuse@registrar.example' }],
  checkInterval: '5m',
  downAfterChecks: 3,
  renotifyAfter: '1h',
  escalateAfter: 4 * 60 * MINUTE,
  maxDuration: '7d',
};

function settingsOf(monitorInput: monitor.TakedownMonitorInput): monitor.MonitorSettings {
  const read = monitor.readSettings(monitorInput);
  if ('problems' in read) throw new Error(read.problems.join('; '));
  return read.settings;
}

function check(
  up: boolean,
  dnsStatus: TakedownCheckResult['dns']['status'] = up ? 'ok' : 'nxdomain',
): TakedownCheckResult {
  return {
    domain: 'twilio-okta.com',
    checkedAt: '',
    up,
    dns: { status: dnsStatus, addresses: dnsStatus === 'ok' ? ['127.0.0.1'] : [] },
    http: up
      ? { url: 'https://twilio-okta.com/', answered: true, status: 200, title: 'Okta' }
      : { url: '', answered: false },
  };
}

describe('takedown monitor input', () => {
  it('takes durations as milliseconds or as duration text', () => {
    expect(settingsOf(input)).toEqual({
      checkIntervalMs: 5 * MINUTE,
      downAfterChecks: 3,
      renotifyAfterMs: 60 * MINUTE,
      escalateAfterMs: 240 * MINUTE,
      maxDurationMs: 7 * 24 * 60 * MINUTE,
      checksPerRun: 100,
    });
  });

  it('fills what a step leaves out with defaults fit for a takedown that takes days', () => {
    const { domain, reportedAt, reportedTo } = input;
    expect(settingsOf({ domain, reportedAt, reportedTo })).toEqual({
      checkIntervalMs: 15 * MINUTE,
      downAfterChecks: 3,
      renotifyAfterMs: 24 * 60 * MINUTE,
      escalateAfterMs: 2 * 24 * 60 * MINUTE,
      maxDurationMs: 30 * 24 * 60 * MINUTE,
      checksPerRun: 100,
    });
  });

  it('lists every problem with bad input', () => {
    const read = monitor.readSettings({
      ...input,
      domain: 'not a domain',
      checkInterval: 'soon',
      downAfterChecks: 0,
      reportedAt: 'yesterday',
    });
    expect('problems' in read && read.problems).toEqual([
      'domain must be a domain name, not "not a domain"',
      'reportedAt must be an ISO 8601 time, not "yesterday"',
      'downAfterChecks must be a whole number of at least 1, not 0',
      'checkInterval must be milliseconds or a duration such as 5m, not "soon"',
    ]);
  });
});

describe('takedown monitor decisions', () => {
  const settings = settingsOf(input);

  it('calls a domain down only after N failed checks in a row, dated from the first of them', () => {
    const state = monitor.initialState(input, T0);
    expect(monitor.recordCheck(state, check(false), settings, T0 + 5 * MINUTE)).toBe(false);
    expect(monitor.recordCheck(state, check(true), settings, T0 + 10 * MINUTE)).toBe(false);
    expect(monitor.recordCheck(state, check(false, 'servfail'), settings, T0 + 15 * MINUTE)).toBe(false);
    expect(monitor.recordCheck(state, check(false), settings, T0 + 20 * MINUTE)).toBe(false);
    expect(monitor.recordCheck(state, check(false), settings, T0 + 25 * MINUTE)).toBe(true);
    expect(state.downAt).toBe(new Date(T0 + 15 * MINUTE).toISOString());
    expect(state.confirmedDownAt).toBe(new Date(T0 + 25 * MINUTE).toISOString());
  });

  it('lets neither a resolver timeout nor a failed check break or make a streak', () => {
    const state = monitor.initialState(input, T0);
    monitor.recordCheck(state, check(false), settings, T0 + MINUTE);
    monitor.recordCheck(state, check(false, 'timeout'), settings, T0 + 2 * MINUTE);
    monitor.recordFailedCheck(state, 'Unavailable: worker lost', T0 + 3 * MINUTE);
    monitor.recordCheck(state, check(false), settings, T0 + 4 * MINUTE);
    expect(state.failedInARow).toBe(2);
    expect(state.inconclusiveChecks).toBe(2);
    expect(state.problems).toEqual(['check failed: Unavailable: worker lost']);
  });

  it('reminds after renotifyAfter since the last notice, and escalates level n after n × escalateAfter', () => {
    const state = monitor.initialState(input, T0);
    monitor.recordCheck(state, check(true), settings, T0);
    expect(monitor.reminderDue(state, settings, T0 + 59 * MINUTE)).toBeUndefined();
    expect(monitor.reminderDue(state, settings, T0 + 60 * MINUTE)).toBe(1);
    state.reminders.push({ number: 1, at: new Date(T0 + 60 * MINUTE).toISOString(), sentTo: [] });
    state.lastNoticeAt = new Date(T0 + 60 * MINUTE).toISOString();
    expect(monitor.reminderDue(state, settings, T0 + 119 * MINUTE)).toBeUndefined();
    expect(monitor.reminderDue(state, settings, T0 + 120 * MINUTE)).toBe(2);

    expect(monitor.escalationDue(state, input, settings, T0 + 239 * MINUTE)).toBeUndefined();
    expect(monitor.escalationDue(state, input, settings, T0 + 240 * MINUTE)).toBe(1);
    state.escalations.push({ level: 1, at: '', addedTo: [] });
    expect(monitor.escalationDue(state, input, settings, T0 + 300 * MINUTE)).toBeUndefined();
    expect(monitor.escalationDue(state, input, settings, T0 + 480 * MINUTE)).toBe(2);
  });

  it('sends no reminder or escalation when their interval is 0', () => {
    const off = settingsOf({ ...input, renotifyAfter: 0, escalateAfter: 0 });
    const state = monitor.initialState(input, T0);
    expect(monitor.reminderDue(state, off, T0 + 1_000 * MINUTE)).toBeUndefined();
    expect(monitor.escalationDue(state, input, off, T0 + 1_000 * MINUTE)).toBeUndefined();
  });

  it('resumes from the carried state after continue-as-new', () => {
    const state = monitor.initialState(input, T0);
    monitor.recordCheck(state, check(false), settings, T0 + MINUTE);
    state.continuedAsNew = 1;
    expect(monitor.initialState({ ...input, carried: state }, T0 + 2 * MINUTE)).toBe(state);
  });

  it('does not call a domain down while it resolves, even to a private address it will not fetch', () => {
    const state = monitor.initialState(input, T0);
    const blocked: TakedownCheckResult = {
      ...check(false, 'ok'),
      verdict: 'blocked',
      dns: { status: 'ok', addresses: ['10.0.0.5'] },
      http: { url: 'https://twilio-okta.com/', answered: false, error: 'not fetched: 10.0.0.5 is a private address' },
    };
    for (const minute of [5, 10, 15, 20]) {
      expect(monitor.recordCheck(state, blocked, settings, T0 + minute * MINUTE)).toBe(false);
    }
    expect(state.downAt).toBeUndefined();
    expect(state.lastCheck).toMatchObject({ up: false, verdict: 'blocked' });
    // Resolving again breaks a streak of failed checks: the attacker cannot make one by flipping DNS back and forth.
    monitor.recordCheck(state, check(false), settings, T0 + 25 * MINUTE);
    monitor.recordCheck(state, check(false), settings, T0 + 30 * MINUTE);
    monitor.recordCheck(state, blocked, settings, T0 + 35 * MINUTE);
    expect(monitor.recordCheck(state, check(false), settings, T0 + 40 * MINUTE)).toBe(false);
    expect(state.failedInARow).toBe(1);
  });

  it('does not call a domain down while it resolves and its site answers 404 or not at all', () => {
    const state = monitor.initialState(input, T0);
    const notFound: TakedownCheckResult = {
      ...check(false, 'ok'),
      dns: { status: 'ok', addresses: ['192.0.2.10'] },
      http: { url: 'https://twilio-okta.com/', answered: true, status: 404 },
    };
    for (const minute of [5, 10, 15, 20]) {
      expect(monitor.recordCheck(state, notFound, settings, T0 + minute * MINUTE)).toBe(false);
    }
    expect(state.lastCheck).toMatchObject({ up: false, verdict: 'resolves' });
  });

  it('sends no "still up" reminder or escalation while the latest check fails', () => {
    const state = monitor.initialState(input, T0);
    monitor.recordCheck(state, check(false), settings, T0 + 300 * MINUTE);
    expect(monitor.reminderDue(state, settings, T0 + 300 * MINUTE)).toBeUndefined();
    expect(monitor.escalationDue(state, input, settings, T0 + 300 * MINUTE)).toBeUndefined();
    monitor.recordCheck(state, check(false, 'timeout'), settings, T0 + 305 * MINUTE);
    expect(monitor.reminderDue(state, settings, T0 + 305 * MINUTE)).toBeUndefined();
    monitor.recordCheck(state, check(true), settings, T0 + 310 * MINUTE);
    expect(monitor.reminderDue(state, settings, T0 + 310 * MINUTE)).toBe(1);
    expect(monitor.escalationDue(state, input, settings, T0 + 310 * MINUTE)).toBe(1);
  });

  it('keeps the rules a running monitor started with when replayed (unpatched)', () => {
    const state = monitor.initialState(input, T0);
    monitor.recordCheck(state, check(false), settings, T0 + 300 * MINUTE, monitor.LEGACY_MONITOR_RULES);
    expect(monitor.reminderDue(state, settings, T0 + 300 * MINUTE, monitor.LEGACY_MONITOR_RULES)).toBe(1);
  });

  it('summarises what was reported, to whom, and when it went down', () => {
    const state = monitor.initialState(input, T0);
    for (const minute of [5, 10, 15]) monitor.recordCheck(state, check(false), settings, T0 + minute * MINUTE);
    const summary = monitor.summarise(input, state, 'down', T0 + 15 * MINUTE);
    expect(summary).toMatchObject({
      domain: 'twilio-okta.com',
      outcome: 'down',
      reportedAt: '2022-08-04T10:00:00.000Z',
      reportedTo: [{ provider: 'email', to: 'abuse@registrar.example' }],
      downAt: '2022-08-04T10:05:00.000Z',
      confirmedDownAt: '2022-08-04T10:15:00.000Z',
      endedAt: '2022-08-04T10:15:00.000Z',
      checks: 3,
      lastCheck: { up: false, conclusive: true, description: 'DNS nxdomain, no HTTP answer' },
    });
    expect(summary).not.toHaveProperty('failedInARow');
  });
});
