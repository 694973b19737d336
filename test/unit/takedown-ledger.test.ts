import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileReportLedger } from '../../activities/takedown/ledger';

const key = { domain: 'twilio-okta.com', provider: 'email' as const, to: 'abuse@registrar.example', kind: 'report' };

describe('the report ledger', () => {
  let dir: string;
  let now: Date;
  let ledger: FileReportLedger;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-ledger-'));
    now = new Date('2022-08-04T10:00:00Z');
    ledger = new FileReportLedger(dir, () => now);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('says a report was sent once it is completed, to any later run', async () => {
    const claim = await ledger.claim(key, 'run-1/takedown[0]');
    expect(claim.state).toBe('claimed');
    await ledger.complete(claim.entry, { at: now.toISOString(), reference: '<id@acme.example>' });
    const again = await new FileReportLedger(dir, () => now).claim(key, 'run-2/takedown[0]');
    expect(again).toMatchObject({ state: 'done', entry: { status: 'sent', sentAt: '2022-08-04T10:00:00.000Z' } });
  });

  it('lets a retry of the same step take its claim back, keeping the token of the message', async () => {
    const first = await ledger.claim(key, 'run-1/takedown[0]');
    const retry = await ledger.claim(key, 'run-1/takedown[0]');
    expect(retry.state).toBe('claimed');
    expect(retry.entry.token).toBe(first.entry.token);
    // The token follows from the key alone: another ledger gives the same one, another recipient another.
    const elsewhere = new FileReportLedger(path.join(dir, 'elsewhere'), () => now);
    expect((await elsewhere.claim(key, 'run-2/takedown[0]')).entry.token).toBe(first.entry.token);
    const otherRecipient = await elsewhere.claim({ ...key, to: 'abuse@other.example' }, 'run-2/takedown[0]');
    expect(otherRecipient.entry.token).not.toBe(first.entry.token);
  });

  it('makes another run wait while a claim is fresh, and take it over once it is stale', async () => {
    await ledger.claim(key, 'run-1/takedown[0]');
    await expect(ledger.claim(key, 'run-2/takedown[0]')).rejects.toMatchObject({
      type: 'Unavailable',
      message: expect.stringContaining('is being reported to abuse@registrar.example by run-1/takedown[0]'),
    });
    now = new Date(now.getTime() + 16 * 60_000);
    await expect(ledger.claim(key, 'run-2/takedown[0]')).resolves.toMatchObject({
      state: 'claimed',
      entry: { owner: 'run-2/takedown[0]' },
    });
  });

  it('keeps reports, reminders and recipients apart', async () => {
    await ledger.complete((await ledger.claim(key, 'a')).entry, { at: now.toISOString() });
    expect((await ledger.claim({ ...key, kind: 'reminder-1' }, 'a')).state).toBe('claimed');
    expect((await ledger.claim({ ...key, to: 'abuse@hosting.example' }, 'a')).state).toBe('claimed');
    expect(await ledger.find({ ...key, provider: 'netcraft' })).toBeUndefined();
  });
});
