/**
 * Remembers the event ids the receiver has accepted, so a redelivered event (Okta delivers at least once; a SIEM may
 * retry) or a replayed one is answered without being processed again. An LRU bounded in size, whose entries expire
 * after a TTL, kept in memory and, with a journal, on disk: a restarted receiver remembers what it accepted before.
 *
 * The TTL is at least the freshness window (config/hooks.ts), so an Okta event is remembered for as long as it could
 * be accepted; after that, its age alone refuses it.
 */
import { EventJournalError, type EventIdJournal } from './event-id-journal';

export interface EventDedupeOptions {
  /** How long an id is remembered. */
  ttlMs: number;
  /** How many ids are remembered at most; the least recently seen are forgotten first. */
  capacity: number;
  /** Where claims are kept across restarts; without it, in memory only (for tests of this class). */
  journal?: EventIdJournal;
  /**
   * Told when the journal cannot be written. The receiver goes on from memory: a full disk must not stop containments,
   * it only narrows replay protection to the life of the process.
   */
  warn?: (message: string) => void;
  /** The clock, for tests. */
  now?: () => number;
}

export class EventDedupe {
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: EventDedupeOptions) {
    this.now = options.now ?? Date.now;
    const { journal } = options;
    if (journal) {
      const now = this.now();
      for (const line of journal.read()) {
        this.seen.delete(line.id);
        if ('expires' in line && line.expires > now) this.seen.set(line.id, line.expires);
      }
      this.evictExpired(now);
      this.bound();
      // Start from a compact file: the live entries alone.
      journal.rewrite(this.seen);
    }
  }

  /**
   * Claims an id: true the first time (the caller processes the event), false while it is remembered. Synchronous, so
   * two concurrent deliveries of one event cannot both claim it.
   */
  claim(id: string): boolean {
    const now = this.now();
    this.evictExpired(now);
    const expires = this.seen.get(id);
    const fresh = expires === undefined || expires <= now;
    // Seen again: it becomes the most recent, so a burst of redeliveries keeps it remembered.
    this.seen.delete(id);
    this.seen.set(id, now + this.options.ttlMs);
    this.persist({ id, expires: now + this.options.ttlMs });
    this.bound();
    return fresh;
  }

  /** Forgets a claim whose processing failed, so a redelivery is processed. */
  release(id: string): void {
    this.seen.delete(id);
    this.persist({ id, released: true });
  }

  get size(): number {
    return this.seen.size;
  }

  private persist(line: { id: string; expires: number } | { id: string; released: true }): void {
    const { journal } = this.options;
    if (!journal) return;
    try {
      journal.append(line);
      // Compacted once the file holds about twice the live entries, so it stays within twice the capacity.
      if (journal.appended > Math.max(this.seen.size, this.options.capacity)) journal.rewrite(this.seen);
    } catch (error) {
      if (!(error instanceof EventJournalError)) throw error;
      this.options.warn?.(error.message);
    }
  }

  private bound(): void {
    while (this.seen.size > this.options.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }

  /** Entries are in order of last use, so expired ones are found at the front. */
  private evictExpired(now: number): void {
    for (const [id, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(id);
    }
  }
}
