import { describe, expect, it } from 'vitest';
import { isSlackResponseUrl } from '../../slack/response-url';
import { createUnverifiedIntake, type IntakeLimits } from '../../slack/unverified-intake';

const limits: IntakeLimits = { maxBodyBytes: 1000, maxAgeMs: 300_000, perSecond: 2, burst: 3 };
const T0 = 1_800_000_000_000;

function headers(at: number, signature: string, length = 100): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(Math.floor(at / 1000)),
    'x-slack-signature': signature,
    'content-length': String(length),
  };
}

const sig = (n: number) => `v0=${n.toString(16).padStart(64, '0')}`;

describe('the unverified intake of a cordon serve without the signing secret', () => {
  it('admits a request shaped as Slack sends it, once', () => {
    const intake = createUnverifiedIntake(limits, () => T0);
    expect(intake(headers(T0, sig(1)))).toEqual({ admitted: true });
    expect(intake(headers(T0, sig(1)))).toMatchObject({ admitted: false, status: 401, problem: /already received/ });
  });

  it('refuses a missing or out-of-window timestamp, a malformed signature and an oversized body', () => {
    const intake = createUnverifiedIntake({ ...limits, burst: 10 }, () => T0);
    expect(intake({ 'x-slack-signature': sig(2) })).toMatchObject({
      status: 401,
      problem: 'no Slack request timestamp',
    });
    expect(intake(headers(T0 - 301_000, sig(3)))).toMatchObject({ status: 401, problem: /out of window/ });
    expect(intake(headers(T0 + 301_000, sig(4)))).toMatchObject({ status: 401, problem: /out of window/ });
    expect(intake(headers(T0, 'v0=abc'))).toMatchObject({ status: 401, problem: 'no Slack request signature' });
    expect(intake(headers(T0, sig(5), 1001))).toMatchObject({ status: 413 });
  });

  it('answers 429 beyond the rate, with Retry-After, and admits again once tokens refill', () => {
    let now = T0;
    const intake = createUnverifiedIntake(limits, () => now);
    expect([1, 2, 3].map((n) => intake(headers(now, sig(10 + n))).admitted)).toEqual([true, true, true]);
    expect(intake(headers(now, sig(20)))).toEqual({
      admitted: false,
      status: 429,
      problem: 'too many unverified Slack requests',
      retryAfterSeconds: 1,
    });
    now += 500;
    expect(intake(headers(now, sig(21))).admitted).toBe(true);
  });

  it('forgets a signature once its timestamp is out of the window (the window refuses it anyway)', () => {
    let now = T0;
    const intake = createUnverifiedIntake(limits, () => now);
    expect(intake(headers(T0, sig(30))).admitted).toBe(true);
    now += 301_000;
    expect(intake(headers(T0, sig(30)))).toMatchObject({ status: 401, problem: /out of window/ });
  });
});

describe('response_url', () => {
  it("is answered only on Slack's hooks host or the configured Web API's origin", () => {
    expect(isSlackResponseUrl('https://hooks.slack.com/commands/T0/1/abc', 'https://slack.com/api/')).toBe(true);
    expect(isSlackResponseUrl('http://hooks.slack.com/commands/T0/1/abc', 'https://slack.com/api/')).toBe(false);
    expect(isSlackResponseUrl('https://hooks.slack.com.evil.example/x', 'https://slack.com/api/')).toBe(false);
    expect(isSlackResponseUrl('http://127.0.0.1:9/elsewhere', 'https://slack.com/api/')).toBe(false);
    expect(isSlackResponseUrl('http://127.0.0.1:4000/response/R1', 'http://127.0.0.1:4000/api/')).toBe(true);
    expect(isSlackResponseUrl(undefined, 'https://slack.com/api/')).toBe(false);
    expect(isSlackResponseUrl('not a url', 'https://slack.com/api/')).toBe(false);
  });
});
