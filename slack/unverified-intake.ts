/**
 * What `cordon serve` does with Slack requests when it does not hold the signing secret (only the worker does, so a
 * compromised serve host holds nothing that signs a click). It cannot tell Slack's requests from forgeries, so it
 * forwards them to the runs, whose worker verifies them; but first it refuses, from the headers alone and before
 * reading a body or calling Temporal, what Slack never sends, so that forging costs more than it costs serve:
 *
 * - more than `perSecond` requests a second on average (bursts up to `burst`): 429 with Retry-After;
 * - no `X-Slack-Request-Timestamp` within `maxAgeMs` of now, or no `X-Slack-Signature` shaped as Slack's (`v0=` and 64
 *   hex digits): 401;
 * - a body declared larger than `maxBodyBytes` (Bolt also stops reading there): 413;
 * - a signature already seen within the time window (a replay; Slack signs every request anew): 401.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SLACK_REQUEST_MAX_AGE_MS } from './signed-request';

export interface IntakeLimits {
  /** @default 262144 (256 KiB: an approval message's click with its blocks fits several times over) */
  maxBodyBytes: number;
  /** @default 300000 (Slack's own five minutes) */
  maxAgeMs: number;
  /** @default 10 */
  perSecond: number;
  /** @default 30 */
  burst: number;
}

export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  maxBodyBytes: 256 * 1024,
  maxAgeMs: SLACK_REQUEST_MAX_AGE_MS,
  perSecond: 10,
  burst: 30,
};

export type IntakeVerdict =
  { admitted: true } | { admitted: false; status: 401 | 413 | 429; problem: string; retryAfterSeconds?: number };

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A gate for unverified requests: call it once per request, with its headers. */
export function createUnverifiedIntake(
  limits: IntakeLimits = DEFAULT_INTAKE_LIMITS,
  now: () => number = Date.now,
): (headers: IncomingHttpHeaders) => IntakeVerdict {
  let tokens = limits.burst;
  let refilledAt = now();
  /** Signature → when it may be forgotten (its timestamp is out of the window by then). */
  const seen = new Map<string, number>();

  const refuse = (status: 401 | 413 | 429, problem: string, retryAfterSeconds?: number): IntakeVerdict => ({
    admitted: false,
    status,
    problem,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });

  return (headers) => {
    const at = now();
    tokens = Math.min(limits.burst, tokens + ((at - refilledAt) / 1000) * limits.perSecond);
    refilledAt = at;
    if (tokens < 1) {
      return refuse(429, 'too many unverified Slack requests', Math.ceil((1 - tokens) / limits.perSecond));
    }
    tokens -= 1;

    const timestamp = header(headers, 'x-slack-request-timestamp');
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return refuse(401, 'no Slack request timestamp');
    const signedAt = Number(timestamp) * 1000;
    if (Math.abs(at - signedAt) > limits.maxAgeMs) return refuse(401, 'the Slack request timestamp is out of window');
    const signature = header(headers, 'x-slack-signature');
    if (!signature || !SIGNATURE.test(signature)) return refuse(401, 'no Slack request signature');
    const length = Number(header(headers, 'content-length') ?? '0');
    if (!Number.isFinite(length) || length > limits.maxBodyBytes) {
      return refuse(413, `the body is larger than ${limits.maxBodyBytes} bytes`);
    }

    for (const [known, forgetAt] of seen) if (forgetAt <= at) seen.delete(known);
    if (seen.has(signature)) return refuse(401, 'this signed Slack request was already received');
    seen.set(signature, signedAt + limits.maxAgeMs);
    return { admitted: true };
  };
}
