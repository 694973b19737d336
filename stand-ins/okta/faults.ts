/**
 * Injectable faults: for the next N calls of an operation (or of any, with `*`), answer with a 5xx, a 429 with a
 * reset, a slow answer (the call still takes effect, late, as a real timed-out call may), a dropped connection, or a
 * success that changes nothing.
 */

export type Fault =
  /** Answer with this status and Okta's E0000009 body (or an HTML page, as a load balancer in front of Okta would). */
  | { kind: 'status'; status: number; html?: boolean }
  /** Answer 429 with `X-Rate-Limit-Reset` this far ahead; `omitReset` leaves the header out, so the SDK cannot wait. */
  | { kind: 'rateLimit'; resetInMs: number; omitReset?: boolean }
  /** Wait this long, then handle the call normally. */
  | { kind: 'delay'; ms: number }
  /** Close the connection without an answer. */
  | { kind: 'disconnect' }
  /** Answer success without applying the call: Okta accepted a write whose effect does not show (yet). */
  | { kind: 'ignore' };

interface Armed {
  operation: string;
  fault: Fault;
  remaining: number;
}

export class Faults {
  private armed: Armed[] = [];

  /** Arms a fault for the next `times` calls of `operation` (an Okta operation id such as `suspendUser`, or `*`). */
  inject(operation: string, fault: Fault, times = 1): void {
    this.armed.push({ operation, fault, remaining: times });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault for this call, if one is armed; each call uses one. */
  take(operation: string): Fault | undefined {
    const armed = this.armed.find((entry) => entry.operation === operation || entry.operation === '*');
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed = this.armed.filter((entry) => entry !== armed);
    return armed.fault;
  }

  pending(): number {
    return this.armed.reduce((sum, entry) => sum + entry.remaining, 0);
  }
}
