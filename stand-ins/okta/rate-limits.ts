/**
 * Okta's rate limits: a budget of calls per operation and window. Every answer carries `X-Rate-Limit-Limit`,
 * `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` (epoch seconds when the window ends); a call past the budget gets
 * 429 E0000047. The SDK waits from the `Date` header until the reset, so both must be right.
 */

export interface RateLimit {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
}

interface Window {
  start: number;
  used: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export function rateLimitHeaders(limit: number, remaining: number, resetAtMs: number): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    'x-rate-limit-reset': String(Math.ceil(resetAtMs / 1000)),
  };
}

export class RateLimiter {
  private readonly limits = new Map<string, RateLimit>();
  private readonly windows = new Map<string, Window>();
  /** Generous, so tests only meet a limit they set. */
  fallback: RateLimit = { limit: 10_000, windowMs: 60_000 };

  /** Sets the budget of one operation (an Okta operation id such as `getUser`), or of all with `*`. */
  set(operation: string, limit: RateLimit): void {
    this.limits.set(operation, limit);
    this.windows.delete(operation);
  }

  private window(operation: string, now: number): { limit: RateLimit; window: Window } {
    const limit = this.limits.get(operation) ?? this.limits.get('*') ?? this.fallback;
    let window = this.windows.get(operation);
    if (!window || now >= window.start + limit.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(operation, window);
    }
    return { limit, window };
  }

  /** Uses one call of the operation's budget, if any is left. */
  take(operation: string, now = Date.now()): RateDecision {
    const { limit, window } = this.window(operation, now);
    const allowed = window.used < limit.limit;
    if (allowed) window.used += 1;
    return {
      allowed,
      headers: rateLimitHeaders(limit.limit, limit.limit - window.used, window.start + limit.windowMs),
    };
  }

  /** The headers of the current window without using any budget: for answers refused before the budget applies. */
  peek(operation: string, now = Date.now()): Record<string, string> {
    const { limit, window } = this.window(operation, now);
    return rateLimitHeaders(limit.limit, limit.limit - window.used, window.start + limit.windowMs);
  }
}
