/**
 * The receiver's event-id memory on disk, so a restart of `cordon serve` forgets no event it accepted: one JSON line
 * per claim (`{"id", "expires"}`) or release (`{"id", "released": true}`), appended before the event is acted on, and
 * rewritten to the live entries alone when it has grown.
 *
 * Why a file and not the workflow: an event must be recognised before anything is started, and also after its run has
 * ended (a replay of the alert that started a containment since called off would otherwise start it again), within
 * the 3 s Okta waits; a small local file does that with no round trip. Appends are synchronous, so a claim is on disk
 * before its run starts; they are not fsynced: the memory survives a crash or restart of the process, not of the host.
 * Each receiver keeps its own file: receivers behind one load balancer do not share their memories.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { decodeAs } from '../activities/decode-as';
import { errorMessage } from '../activities/error-message';

const claimLine = z.object({ id: z.string(), expires: z.number() });
const releaseLine = z.object({ id: z.string(), released: z.literal(true) });
const journalLine = z.union([claimLine, releaseLine]);

export type JournalLine = z.output<typeof journalLine>;

/** Thrown when the journal cannot be read or rewritten; names the file and the cause. */
export class EventJournalError extends Error {
  override readonly name = 'EventJournalError';
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

export class EventIdJournal {
  /** Lines appended since the file was last rewritten, to know when it is worth compacting. */
  appended = 0;

  constructor(readonly file: string) {}

  /** The lines on disk, oldest first. A line that does not parse (a write cut short by a crash) is skipped. */
  read(): JournalLine[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw new EventJournalError(`cannot read the event-id journal ${this.file}: ${errorMessage(error)}`);
    }
    const lines: JournalLine[] = [];
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      const line = decodeAs(journalLine, () => JSON.parse(raw));
      if (line) lines.push(line);
    }
    return lines;
  }

  /** Appends one line; throws (with the file named) when the disk refuses it. */
  append(line: JournalLine): void {
    try {
      appendFileSync(this.file, `${JSON.stringify(line)}\n`);
      this.appended++;
    } catch (error) {
      throw new EventJournalError(`cannot write the event-id journal ${this.file}: ${errorMessage(error)}`);
    }
  }

  /** Replaces the file with the live entries, whole: written aside, then renamed over it. */
  rewrite(entries: Iterable<readonly [string, number]>): void {
    const lines: string[] = [];
    for (const [id, expires] of entries) lines.push(`${JSON.stringify({ id, expires })}\n`);
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temporary, lines.join(''));
      renameSync(temporary, this.file);
      this.appended = 0;
    } catch (error) {
      throw new EventJournalError(`cannot write the event-id journal ${this.file}: ${errorMessage(error)}`);
    }
  }
}
