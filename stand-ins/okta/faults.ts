/**
 * Injectable faults: for the next N calls of an operation (or of any, with `*`), answer with a 5xx, a 429 with a
 * reset, a slow answer (the call still takes effect, late, as a real timed-out call may), a dropped connection, or a
 * success that changes nothing. Or, for a fault campaign, at random: a given fraction of calls, each fault drawn from
 * a mix, by a seeded generator, so the same seed breaks the same calls again.
 */
import { SeededRandom } from '../seeded-random';

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

/** Random faults: `rate` of the calls (of `operations`, or of all) get a fault drawn uniformly from `mix`. */
export interface RandomFaults {
  seed: number;
  /** The fraction of calls that get a fault, 0..1. */
  rate: number;
  mix: readonly Fault[];
  /** The operations that may be broken; all when absent. */
  operations?: readonly string[];
}

/** A fault the stand-in injected, for the campaign's report. */
export interface InjectedFault {
  operation: string;
  fault: Fault;
  at: string;
}

interface Armed {
  operation: string;
  fault: Fault;
  remaining: number;
}

export class Faults {
  private armed: Armed[] = [];
  private random: { config: RandomFaults; generator: SeededRandom } | undefined;
  /** Every fault injected at random, in order. */
  readonly injected: InjectedFault[] = [];

  /** Breaks calls at random from now on (replacing an earlier setting); `undefined` stops it. */
  randomly(config: RandomFaults | undefined): void {
    if (config && !(config.rate >= 0 && config.rate <= 1))
      throw new RangeError(`fault rate must be 0..1, got ${config.rate}`);
    if (config && config.mix.length === 0) throw new RangeError('random faults need at least one fault in the mix');
    this.random = config && { config, generator: new SeededRandom(config.seed) };
  }

  /** Arms a fault for the next `times` calls of `operation` (an Okta operation id such as `suspendUser`, or `*`). */
  inject(operation: string, fault: Fault, times = 1): void {
    this.armed.push({ operation, fault, remaining: times });
  }

  clear(): void {
    this.armed = [];
    this.random = undefined;
  }

  /** The fault for this call, if one is armed (each call uses one) or drawn at random. */
  take(operation: string): Fault | undefined {
    const armed = this.armed.find((entry) => entry.operation === operation || entry.operation === '*');
    if (!armed) return this.draw(operation);
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.armed = this.armed.filter((entry) => entry !== armed);
    return armed.fault;
  }

  private draw(operation: string): Fault | undefined {
    if (!this.random) return undefined;
    const { config, generator } = this.random;
    if (config.operations && !config.operations.includes(operation)) return undefined;
    if (!generator.chance(config.rate)) return undefined;
    const fault = generator.pick(config.mix);
    this.injected.push({ operation, fault, at: new Date().toISOString() });
    return fault;
  }

  pending(): number {
    return this.armed.reduce((sum, entry) => sum + entry.remaining, 0);
  }
}

/** The fault campaign's mix (issue 15): a 500, a 429 with a reset and one without, a stall, a dropped connection. */
export function campaignFaultMix(stallMs = 10_000): Fault[] {
  return [
    { kind: 'status', status: 500 },
    { kind: 'rateLimit', resetInMs: 2_000 },
    { kind: 'rateLimit', resetInMs: 2_000, omitReset: true },
    { kind: 'delay', ms: stallMs },
    { kind: 'disconnect' },
  ];
}
