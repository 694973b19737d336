/**
 * The durable record of what was reported to whom: one small JSON file per domain, provider, recipient and kind of
 * message, under the state directory (`<stateDir>/reports/<domain>/…`).
 *
 * Why a file and not only a deterministic Message-ID: SMTP servers do not drop a second message with a known
 * Message-ID, so an id alone cannot stop a retry, a replay or a second run from mailing an abuse desk twice; and
 * Netcraft and Cloudflare have no Message-ID at all. The record is claimed before sending (exclusive create) and
 * completed after, so two runs reporting one domain at once cannot both send. The one gap left, a crash between the
 * send and the completion, is narrowed by the deterministic Message-ID that a resend reuses, so the recipient's mail
 * system and ticket queue see the same message again rather than a new report.
 *
 * The worker's data directory is local: workers on several hosts need a shared `TAKEDOWN_STATE_DIR`, or another
 * implementation of `ReportLedger`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ActionError, FAILURE_TYPES } from '../errors';
import { PROVIDERS } from './specs';

/** What one record is about. `kind` is `report`, `reminder-2` or `escalation-1`. */
export interface LedgerKey {
  domain: string;
  provider: (typeof PROVIDERS)[number];
  to: string;
  kind: string;
}

const entrySchema = z.object({
  domain: z.string(),
  provider: z.enum(PROVIDERS),
  to: z.string(),
  kind: z.string(),
  status: z.enum(['pending', 'sent']),
  /** A token derived from the key alone: the Message-ID of e-mail, so a resend is recognisably the same message. */
  token: z.string(),
  /** The attempt that claimed the record: `<workflow id>/<activity id>`. */
  owner: z.string(),
  claimedAt: z.string(),
  sentAt: z.string().optional(),
  reference: z.string().optional(),
});
export type LedgerEntry = z.output<typeof entrySchema>;

export type Claim = { state: 'claimed'; entry: LedgerEntry } | { state: 'done'; entry: LedgerEntry };

export interface ReportLedger {
  /** Claims a key for `owner`, or says it was already sent. Throws a retryable failure while another run holds it. */
  claim(key: LedgerKey, owner: string): Promise<Claim>;
  complete(entry: LedgerEntry, result: { at: string; reference?: string }): Promise<LedgerEntry>;
  find(key: LedgerKey): Promise<LedgerEntry | undefined>;
}

/** The deterministic token of a key. */
function ledgerToken(key: LedgerKey): string {
  return createHash('sha256')
    .update([key.domain, key.provider, key.to.toLowerCase(), key.kind].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

/** A claim older than this was left by a crashed attempt and may be taken over. */
const STALE_CLAIM_MS = 15 * 60_000;

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function safeName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9@._-]/g, '_');
}

export class FileReportLedger implements ReportLedger {
  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private fileOf(key: LedgerKey): string {
    return path.join(
      this.dir,
      'reports',
      safeName(key.domain),
      `${key.provider}--${safeName(key.to)}--${safeName(key.kind)}.json`,
    );
  }

  async find(key: LedgerKey): Promise<LedgerEntry | undefined> {
    try {
      return entrySchema.parse(JSON.parse(await readFile(this.fileOf(key), 'utf8')));
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return undefined;
      // A claim being written right now reads as broken JSON for a moment: let the step retry.
      throw new ActionError(
        FAILURE_TYPES.unavailable,
        `report record ${this.fileOf(key)} is unreadable: ${String(error)}`,
      );
    }
  }

  async claim(key: LedgerKey, owner: string): Promise<Claim> {
    const file = this.fileOf(key);
    const entry: LedgerEntry = {
      ...key,
      status: 'pending',
      token: ledgerToken(key),
      owner,
      claimedAt: this.now().toISOString(),
    };
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await writeFile(file, JSON.stringify(entry, null, 2), { flag: 'wx' });
      return { state: 'claimed', entry };
    } catch (error) {
      if (!hasCode(error, 'EEXIST')) throw error;
    }
    const existing = await this.find(key);
    if (!existing) return this.claim(key, owner);
    if (existing.status === 'sent') return { state: 'done', entry: existing };
    const age = this.now().getTime() - Date.parse(existing.claimedAt);
    if (existing.owner !== owner && age < STALE_CLAIM_MS) {
      throw new ActionError(
        FAILURE_TYPES.unavailable,
        `${key.domain} is being reported to ${key.to} by ${existing.owner} right now; trying again shortly`,
        { retryAfterMs: 30_000 },
      );
    }
    // Our own earlier attempt, or an abandoned one: take it over, keeping the token so a resend is the same message.
    const taken = { ...existing, owner, claimedAt: entry.claimedAt };
    await this.write(file, taken);
    return { state: 'claimed', entry: taken };
  }

  async complete(entry: LedgerEntry, result: { at: string; reference?: string }): Promise<LedgerEntry> {
    const done: LedgerEntry = { ...entry, status: 'sent', sentAt: result.at, reference: result.reference };
    await this.write(this.fileOf(entry), done);
    return done;
  }

  /** Replaces a file whole, so a reader never sees half of it. */
  private async write(file: string, entry: LedgerEntry): Promise<void> {
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(entry, null, 2));
    await rename(temporary, file);
  }
}
