/**
 * One limiter per worker, shared by every Okta call of every activity, with one budget per rate-limit bucket (see
 * `rate-limit-bucket.ts`). It learns each bucket's budget from the `X-Rate-Limit-Limit/Remaining/Reset` headers of
 * every answer and paces requests before Okta says no: while the budget it knows of is spent, a request waits for
 * the reset. A 429 is a wait as well, never a failure: the request is sent again after the reset.
 *
 * The decisions are pure functions of the bucket's state and the clock (`pace`, `observe`), so they are unit-tested
 * without a server; `OktaRateLimiter` holds the state and does the waiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What the limiter knows of one bucket, in this machine's clock. */
export interface BucketState {
  limit: number;
  /** Requests the window still allows, less those this worker has sent since the answer that said so. */
  remaining: number;
  /** When the window resets, in epoch ms of this machine's clock. */
  resetAtMs: number;
}

/** The rate-limit headers of one answer. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  /** `X-Rate-Limit-Reset` as epoch ms of this machine's clock (corrected by the answer's `Date`). */
  resetAtMs: number;
}

export type Pacing = { kind: 'send' } | { kind: 'wait'; untilMs: number };

/**
 * Sent a little after the reset, so that a clock a fraction of a second ahead of Okta's does not meet the old window.
 * Okta's `Date` and `X-Rate-Limit-Reset` are whole seconds, so a skew under this tolerance is not worth correcting.
 */
export const RESET_MARGIN_MS = 250;
const SKEW_TOLERANCE_MS = 2_000;
/** A reset further ahead than this is not believed (a broken header); the limit is Okta's longest window. */
export const MAX_WAIT_MS = 10 * 60_000;

/**
 * Reads the rate-limit headers of an answer. The reset is Okta's epoch second; when Okta's `Date` disagrees with this
 * machine's clock by more than the headers' resolution, the reset is moved by the difference.
 */
export function readRateLimitHeaders(
  header: (name: string) => string | null | undefined,
  now: number,
): RateLimitHeaders | undefined {
  const limit = Number(header('x-rate-limit-limit'));
  const remaining = Number(header('x-rate-limit-remaining'));
  const reset = Number(header('x-rate-limit-reset'));
  if (![limit, remaining, reset].every((value) => Number.isFinite(value) && value >= 0) || reset === 0) {
    return undefined;
  }
  const date = Date.parse(header('date') ?? '');
  const skew = Number.isNaN(date) || Math.abs(now - date) <= SKEW_TOLERANCE_MS ? 0 : now - date;
  const resetAtMs = Math.min(reset * 1000 + skew + RESET_MARGIN_MS, now + MAX_WAIT_MS);
  return { limit, remaining, resetAtMs };
}

/** Whether a request to a bucket in `state` may go now, or must wait for the reset. */
export function pace(state: BucketState | undefined, now: number): Pacing {
  if (!state || now >= state.resetAtMs || state.remaining > 0) return { kind: 'send' };
  return { kind: 'wait', untilMs: state.resetAtMs };
}

/** The state once a request is sent: one call less in the window (when the window is known). */
export function sent(state: BucketState | undefined, now: number): BucketState | undefined {
  if (!state || now >= state.resetAtMs) return state;
  return { ...state, remaining: Math.max(0, state.remaining - 1) };
}

/**
 * The state after an answer. `sentLater` counts this worker's requests to the bucket sent after the answered one and
 * not yet answered: Okta may not have counted them yet, so they come off what the header says is left. Within a
 * window the lower count wins (answers arrive out of order); a later reset starts a new window.
 */
export function observe(
  state: BucketState | undefined,
  headers: RateLimitHeaders,
  sentLater: number,
  limited: boolean,
): BucketState {
  const remaining = limited ? 0 : Math.max(0, headers.remaining - sentLater);
  const sameWindow = state !== undefined && Math.abs(headers.resetAtMs - state.resetAtMs) < 1_000;
  if (!sameWindow) {
    // An answer from the old window arriving after a new one began says nothing about the new one.
    if (state && headers.resetAtMs < state.resetAtMs) return state;
    return { limit: headers.limit, remaining, resetAtMs: headers.resetAtMs };
  }
  return { ...state, limit: headers.limit, remaining: Math.min(state.remaining, remaining) };
}

/** What a waiting request tells its caller, so an activity can heartbeat it. */
export interface RateLimitWait {
  bucket: string;
  /** ISO time of the reset being waited for. */
  resetsAt: string;
  /** `waiting for Okta's rate limit (resets in 41 s)` */
  message: string;
}

export function waitMessage(untilMs: number, now: number): string {
  return `waiting for Okta's rate limit (resets in ${Math.max(0, Math.ceil((untilMs - now) / 1000))} s)`;
}

/** Waits are cut into slices of this length, each reported, so a long wait keeps heartbeating. */
const REPORT_EVERY_MS = 5_000;

export interface WaitObserver {
  onWait?(wait: RateLimitWait): void;
  signal?: AbortSignal;
}

/** A request in flight: its place in the bucket's order, to count those sent after it. */
export interface Ticket {
  bucket: string;
  sequence: number;
}

export class OktaRateLimiter {
  private readonly buckets = new Map<string, BucketState>();
  private readonly inFlight = new Map<string, Set<number>>();
  private sequence = 0;
  /** Totals for benchmarks and status: requests sent, 429s met, and time spent waiting. */
  readonly stats = { sent: 0, limited: 0, waits: 0, waitedMs: 0 };

  constructor(private readonly clock: () => number = Date.now) {}

  /** What the limiter knows of a bucket (for tests and status). */
  state(bucket: string): BucketState | undefined {
    return this.buckets.get(bucket);
  }

  /** Waits until the bucket's budget allows one more request, then counts it as sent. */
  async acquire(bucket: string, observer: WaitObserver = {}): Promise<Ticket> {
    for (;;) {
      const now = this.clock();
      const decision = pace(this.buckets.get(bucket), now);
      if (decision.kind === 'send') break;
      this.stats.waits += 1;
      const wait = Math.min(decision.untilMs - now, REPORT_EVERY_MS);
      observer.onWait?.({
        bucket,
        resetsAt: new Date(decision.untilMs).toISOString(),
        message: waitMessage(decision.untilMs, now),
      });
      await sleep(wait, undefined, observer.signal ? { signal: observer.signal } : undefined);
      this.stats.waitedMs += wait;
    }
    const counted = sent(this.buckets.get(bucket), this.clock());
    if (counted) this.buckets.set(bucket, counted);
    const sequence = ++this.sequence;
    const flying = this.inFlight.get(bucket) ?? new Set<number>();
    flying.add(sequence);
    this.inFlight.set(bucket, flying);
    this.stats.sent += 1;
    return { bucket, sequence };
  }

  /**
   * Records the answer to a request (or its failure, with no headers). Returns true when it was a 429 the limiter
   * can wait out: the caller sends the request again after `acquire`.
   */
  settle(ticket: Ticket, status: number | undefined, header?: (name: string) => string | null | undefined): boolean {
    const flying = this.inFlight.get(ticket.bucket);
    flying?.delete(ticket.sequence);
    if (status === undefined || !header) return false;
    const limited = status === 429;
    if (limited) this.stats.limited += 1;
    const headers = readRateLimitHeaders(header, this.clock());
    if (!headers) return false;
    const sentLater = [...(flying ?? [])].filter((sequence) => sequence > ticket.sequence).length;
    const next = observe(this.buckets.get(ticket.bucket), headers, sentLater, limited);
    // A 429 whose reset is already past (a skewed clock) still waits a moment, rather than resending at once.
    const now = this.clock();
    this.buckets.set(ticket.bucket, limited && next.resetAtMs <= now ? { ...next, resetAtMs: now + 1_000 } : next);
    return limited;
  }
}
