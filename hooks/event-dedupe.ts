/**
 * Remembers the event ids this process has accepted, so a redelivered event (Okta delivers at least once; a SIEM may
 * retry) is answered without being processed again. An LRU bounded in size, whose entries expire after a TTL.
 *
 * In memory only: after a restart a redelivered event is processed again. That cannot start a second containment,
 * since a run's workflow id is derived from its playbook and dedupe key; it attaches the event to the running run as
 * evidence a second time, under the same reference.
 */

export interface EventDedupeOptions {
  /** How long an id is remembered. */
  ttlMs: number;
  /** How many ids are remembered at most; the least recently seen are forgotten first. */
  capacity: number;
  /** The clock, for tests. */
  now?: () => number;
}

export class EventDedupe {
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: EventDedupeOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Claims an id: true the first time (the caller processes the event), false while it is remembered. Synchronous, so
   * two concurrent deliveries of one event cannot both claim it.
   */
  claim(id: string): boolean {
    const now = this.now();
    this.evictExpired(now);
    const expires = this.seen.get(id);
    if (expires !== undefined && expires > now) {
      // Seen again: it becomes the most recent, so a burst of redeliveries keeps it remembered.
      this.seen.delete(id);
      this.seen.set(id, now + this.options.ttlMs);
      return false;
    }
    this.seen.set(id, now + this.options.ttlMs);
    while (this.seen.size > this.options.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return true;
  }

  /** Forgets a claim whose processing failed, so a redelivery is processed. */
  release(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }

  /** Entries are in order of last use, so expired ones are found at the front. */
  private evictExpired(now: number): void {
    for (const [id, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(id);
    }
  }
}
