import { describe, expect, it } from 'vitest';
import { rateLimitBucket } from '../../activities/okta/rate-limit-bucket';
import {
  observe,
  OktaRateLimiter,
  pace,
  readRateLimitHeaders,
  RESET_MARGIN_MS,
  sent,
  waitMessage,
  type BucketState,
} from '../../activities/okta/rate-limiter';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

/** Okta's headers for a window of `limit` with `remaining` left, resetting `inSeconds` from NOW. */
function okta(limit: number, remaining: number, inSeconds: number, date = new Date(NOW).toUTCString()) {
  return headers({
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(remaining),
    'x-rate-limit-reset': String(NOW / 1000 + inSeconds),
    date,
  });
}

describe('readRateLimitHeaders', () => {
  it("reads the limit, what is left, and the reset in this machine's clock, a margin after Okta's", () => {
    expect(readRateLimitHeaders(okta(600, 12, 41), NOW)).toEqual({
      limit: 600,
      remaining: 12,
      resetAtMs: NOW + 41_000 + RESET_MARGIN_MS,
    });
  });

  it("moves the reset by the difference when Okta's Date is far from this machine's clock", () => {
    const oktaIsTenSecondsBehind = new Date(NOW - 10_000).toUTCString();
    expect(readRateLimitHeaders(okta(600, 0, 30, oktaIsTenSecondsBehind), NOW)?.resetAtMs).toBe(
      NOW + 40_000 + RESET_MARGIN_MS,
    );
  });

  it('gives nothing for an answer without the headers, or with a reset of 0', () => {
    expect(readRateLimitHeaders(headers({}), NOW)).toBeUndefined();
    expect(readRateLimitHeaders(okta(600, 10, -NOW / 1000), NOW)).toBeUndefined();
  });

  it('does not believe a reset further than ten minutes ahead', () => {
    expect(readRateLimitHeaders(okta(600, 0, 86_400), NOW)?.resetAtMs).toBe(NOW + 10 * 60_000);
  });
});

describe('pace', () => {
  const window: BucketState = { limit: 600, remaining: 3, resetAtMs: NOW + 20_000 };

  it('sends while nothing is known of the bucket, or budget is left', () => {
    expect(pace(undefined, NOW)).toEqual({ kind: 'send' });
    expect(pace(window, NOW)).toEqual({ kind: 'send' });
  });

  it('waits for the reset once the budget is spent, before Okta says 429', () => {
    expect(pace({ ...window, remaining: 0 }, NOW)).toEqual({ kind: 'wait', untilMs: NOW + 20_000 });
  });

  it('sends again once the reset has passed', () => {
    expect(pace({ ...window, remaining: 0 }, NOW + 20_000)).toEqual({ kind: 'send' });
  });

  it('counts each request sent against the known window', () => {
    let state: BucketState | undefined = window;
    for (let sentCount = 0; sentCount < 3; sentCount += 1) state = sent(state, NOW);
    expect(state?.remaining).toBe(0);
    expect(pace(state, NOW).kind).toBe('wait');
  });
});

describe('observe', () => {
  const headersAt = (remaining: number, resetAtMs = NOW + 20_000) => ({ limit: 600, remaining, resetAtMs });

  it('starts a window from the first answer, less the requests sent after it and still in flight', () => {
    expect(observe(undefined, headersAt(500), 3, false)).toEqual({
      limit: 600,
      remaining: 497,
      resetAtMs: NOW + 20_000,
    });
  });

  it('keeps the lower count within a window, as answers arrive out of order', () => {
    const state = observe(undefined, headersAt(100), 0, false);
    expect(observe(state, headersAt(120), 0, false).remaining).toBe(100);
    expect(observe(state, headersAt(90), 0, false).remaining).toBe(90);
  });

  it('a later reset starts a new window; a late answer from the old window changes nothing', () => {
    const old = observe(undefined, headersAt(0), 0, false);
    const fresh = observe(old, headersAt(599, NOW + 80_000), 0, false);
    expect(fresh).toEqual({ limit: 600, remaining: 599, resetAtMs: NOW + 80_000 });
    expect(observe(fresh, headersAt(0), 0, false)).toEqual(fresh);
  });

  it('a 429 leaves nothing in the window, whatever the header says', () => {
    expect(observe(undefined, headersAt(5), 0, true).remaining).toBe(0);
  });
});

describe('OktaRateLimiter', () => {
  it('after an answer that spends the budget, the next request waits for the reset and says so', async () => {
    let now = NOW;
    const limiter = new OktaRateLimiter(() => now);
    const ticket = await limiter.acquire('GET /api/v1/users/{}');
    limiter.settle(ticket, 200, okta(600, 0, 0.2));
    const waits: string[] = [];
    const acquired = limiter.acquire('GET /api/v1/users/{}', {
      onWait: (wait) => {
        waits.push(wait.message);
        now = NOW + 1_000;
      },
    });
    await acquired;
    expect(waits).toEqual([waitMessage(NOW + 200 + RESET_MARGIN_MS, NOW)]);
    expect(waits[0]).toBe("waiting for Okta's rate limit (resets in 1 s)");
    expect(limiter.stats).toMatchObject({ sent: 2, limited: 0, waits: 1 });
  });

  it('a 429 with a reset asks for the request to be sent again; one without a reset does not', async () => {
    const limiter = new OktaRateLimiter(() => NOW);
    const first = await limiter.acquire('POST /api/v1/users/{}/lifecycle/suspend');
    expect(limiter.settle(first, 429, okta(600, 0, 1))).toBe(true);
    expect(limiter.state('POST /api/v1/users/{}/lifecycle/suspend')?.remaining).toBe(0);
    const other = new OktaRateLimiter(() => NOW);
    expect(other.settle(await other.acquire('GET /api/v1/logs'), 429, headers({}))).toBe(false);
  });

  it('buckets are independent: one spent budget holds up no other', async () => {
    const limiter = new OktaRateLimiter(() => NOW);
    limiter.settle(await limiter.acquire('GET /api/v1/users/{}'), 200, okta(600, 0, 30));
    expect(pace(limiter.state('GET /api/v1/users/{}/factors'), NOW)).toEqual({ kind: 'send' });
  });
});

describe('rateLimitBucket', () => {
  it.each([
    ['GET', 'https://acme.okta.com/api/v1/users/00u1abc', 'GET /api/v1/users/{}'],
    ['GET', 'https://acme.okta.com/api/v1/users/alice%40example.com', 'GET /api/v1/users/{}'],
    ['POST', 'https://acme.okta.com/api/v1/users/00u1/lifecycle/suspend', 'POST /api/v1/users/{}/lifecycle/suspend'],
    [
      'post',
      'https://acme.okta.com/api/v1/users/00u1/lifecycle/reset_factors',
      'POST /api/v1/users/{}/lifecycle/reset_factors',
    ],
    [
      'DELETE',
      'https://acme.okta.com/api/v1/users/00u1/clients/0oa9/tokens',
      'DELETE /api/v1/users/{}/clients/{}/tokens',
    ],
    ['GET', 'https://acme.okta.com/api/v1/users/00u1/factors?limit=20', 'GET /api/v1/users/{}/factors'],
    ['GET', 'https://acme.okta.com/api/v1/logs?filter=x', 'GET /api/v1/logs'],
    ['PUT', 'https://acme.okta.com/api/v1/groups/00g1/users/00u1', 'PUT /api/v1/groups/{}/users/{}'],
  ])('%s %s counts against %s', (method, url, bucket) => {
    expect(rateLimitBucket(method, url)).toBe(bucket);
  });
});
