import { once } from 'node:events';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { hooksConfigFromEnv } from '../../config/hooks';
import { EventDedupe } from '../../detections/event-dedupe';
import { stalenessOf } from '../../detections/event-freshness';
import { EventIdJournal } from '../../detections/event-id-journal';
import { BodyTooLargeError, readBody } from '../../detections/read-body';
import { pathMatches } from '../../detections/server';
import { webhookSignature } from '../../detections/signed-webhook';

const DATA = { dataDir: '/data' };

describe('event id de-duplication', () => {
  it('lets an id through once, until it expires or is released', () => {
    let now = 0;
    const dedupe = new EventDedupe({ ttlMs: 1000, capacity: 100, now: () => now });
    expect(dedupe.claim('a')).toBe(true);
    expect(dedupe.claim('a')).toBe(false);
    dedupe.release('a');
    expect(dedupe.claim('a')).toBe(true);
    now = 1001;
    expect(dedupe.claim('a')).toBe(true);
  });

  it('forgets the least recently seen ids first when full', () => {
    const dedupe = new EventDedupe({ ttlMs: 60_000, capacity: 3 });
    for (const id of ['a', 'b', 'c']) dedupe.claim(id);
    expect(dedupe.claim('a')).toBe(false); // a is now the most recent
    dedupe.claim('d');
    expect(dedupe.size).toBe(3);
    expect(dedupe.claim('b')).toBe(true); // b was the oldest and was forgotten
    expect(dedupe.claim('a')).toBe(false);
  });
});

describe('event ids kept on disk', () => {
  const journalIn = () => new EventIdJournal(path.join(mkdtempSync(path.join(os.tmpdir(), 'cordon-journal-')), 'ids'));

  it('are remembered by a new instance over the same file, as a restarted receiver would', () => {
    let now = 0;
    const journal = journalIn();
    const before = new EventDedupe({ ttlMs: 1000, capacity: 100, journal, now: () => now });
    expect(before.claim('okta\u0000a')).toBe(true);
    expect(before.claim('okta\u0000b')).toBe(true);
    before.release('okta\u0000b');
    now = 500;
    const after = new EventDedupe({
      ttlMs: 1000,
      capacity: 100,
      journal: new EventIdJournal(journal.file),
      now: () => now,
    });
    expect(after.size).toBe(1);
    expect(after.claim('okta\u0000a')).toBe(false);
    // A released claim (its start failed) is processed when delivered again.
    expect(after.claim('okta\u0000b')).toBe(true);
  });

  it('forget expired ids on load, and keep the file to the live entries', () => {
    let now = 0;
    const journal = journalIn();
    const first = new EventDedupe({ ttlMs: 1000, capacity: 100, journal, now: () => now });
    first.claim('old');
    now = 900;
    first.claim('young');
    now = 1500;
    const second = new EventDedupe({
      ttlMs: 1000,
      capacity: 100,
      journal: new EventIdJournal(journal.file),
      now: () => now,
    });
    expect(second.size).toBe(1);
    expect(readFileSync(journal.file, 'utf8').trim().split('\n')).toEqual([
      JSON.stringify({ id: 'young', expires: 1900 }),
    ]);
    expect(second.claim('old')).toBe(true);
  });

  it('stay bounded: the file is compacted as it grows, and the oldest ids go first', () => {
    const journal = journalIn();
    const dedupe = new EventDedupe({ ttlMs: 60_000, capacity: 100, journal });
    for (let index = 0; index < 1000; index++) dedupe.claim(`event-${index}`);
    const lines = readFileSync(journal.file, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(200);
    const reloaded = new EventDedupe({ ttlMs: 60_000, capacity: 100, journal: new EventIdJournal(journal.file) });
    expect(reloaded.size).toBe(100);
    expect(reloaded.claim('event-999')).toBe(false);
    expect(reloaded.claim('event-0')).toBe(true);
  });

  it('skip a line cut short by a crash, keeping the others', () => {
    const journal = journalIn();
    new EventDedupe({ ttlMs: 60_000, capacity: 100, journal }).claim('kept');
    appendFileSync(journal.file, '{"id":"torn","expi');
    const reloaded = new EventDedupe({ ttlMs: 60_000, capacity: 100, journal: new EventIdJournal(journal.file) });
    expect(reloaded.claim('kept')).toBe(false);
    expect(reloaded.claim('torn')).toBe(true);
  });

  it('go on from memory, with a warning naming the file, when the disk refuses a write', () => {
    const journal = journalIn();
    const warnings: string[] = [];
    const dedupe = new EventDedupe({ ttlMs: 60_000, capacity: 100, journal, warn: (line) => warnings.push(line) });
    // A folder where the file was: every append fails, whoever runs the test (root ignores file modes).
    rmSync(journal.file);
    mkdirSync(journal.file);
    expect(dedupe.claim('x')).toBe(true);
    expect(dedupe.claim('x')).toBe(false);
    expect(warnings[0]).toContain(`cannot write the event-id journal ${journal.file}`);
  });

  it('refuse to start over a journal that cannot be read, naming it', () => {
    const journal = journalIn();
    const folder = new EventIdJournal(path.dirname(journal.file));
    expect(() => new EventDedupe({ ttlMs: 60_000, capacity: 100, journal: folder })).toThrow(
      /cannot read the event-id journal/,
    );
  });
});

describe('event freshness', () => {
  const window = { maxAgeMs: 900_000, maxFutureMs: 300_000 };
  const now = Date.parse('2026-01-01T12:00:00Z');
  const event = (published?: string) => ({ source: 'okta', id: 'e', payload: {}, ...(published ? { published } : {}) });

  it('accepts events inside the window, and events that carry no time', () => {
    expect(stalenessOf(event('2026-01-01T11:45:00Z'), window, now)).toBeUndefined();
    expect(stalenessOf(event('2026-01-01T12:05:00Z'), window, now)).toBeUndefined();
    expect(stalenessOf(event(), window, now)).toBeUndefined();
  });

  it('refuses events older than the window or too far ahead, saying by how much', () => {
    expect(stalenessOf(event('2026-01-01T11:44:59Z'), window, now)).toBe(
      'published 901 s ago, outside the 900 s window',
    );
    expect(stalenessOf(event('2026-01-01T12:05:01+00:00'), window, now)).toBe(
      'published 301 s from now, beyond the 300 s allowed for clock skew',
    );
  });
});

describe('hooks configuration', () => {
  it('reads secrets, indicators and limits from the environment', () => {
    const config = hooksConfigFromEnv(
      {
        OKTA_EVENT_HOOK_SECRET: 'okta-secret-0123456789',
        CORDON_WEBHOOK_SECRETS: JSON.stringify({
          siem: 'siem-secret-0123456789',
          edr: ['new-secret-0123456789', 'old-secret-0123456789'],
        }),
        CORDON_INDICATORS: JSON.stringify({ ips: ['203.0.113.66'], domains: ['Twilio-Okta.com.'] }),
        CORDON_HOOK_REPLAY_WINDOW_SECONDS: '60',
      },
      DATA,
    );
    expect(config.oktaSecret).toBe('okta-secret-0123456789');
    expect(config.webhookSecrets).toEqual({
      siem: ['siem-secret-0123456789'],
      edr: ['new-secret-0123456789', 'old-secret-0123456789'],
    });
    expect(config.indicators).toEqual({ ips: ['203.0.113.66'], domains: ['twilio-okta.com'] });
    expect(config.replayWindowMs).toBe(60_000);
    expect(config.maxBodyBytes).toBe(1024 * 1024);
  });

  it('has empty indicator lists and no secrets when nothing is set', () => {
    const config = hooksConfigFromEnv({}, DATA);
    expect(config).toMatchObject({ webhookSecrets: {}, indicators: { ips: [], domains: [] } });
    expect(config.oktaSecret).toBeUndefined();
  });

  it('refuses short secrets, the okta source name and bad JSON without echoing any value', () => {
    const attempts = [
      { CORDON_WEBHOOK_SECRETS: JSON.stringify({ siem: 'short' }) },
      { CORDON_WEBHOOK_SECRETS: JSON.stringify({ okta: 'long-enough-secret-0123' }) },
      { CORDON_WEBHOOK_SECRETS: '{"siem": "leaky-secret-0123456789"' },
      { OKTA_EVENT_HOOK_SECRET: 'tiny' },
    ];
    for (const env of attempts) {
      let error: unknown;
      try {
        hooksConfigFromEnv(env, DATA);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).not.toMatch(/short|leaky|tiny|long-enough/);
    }
  });
});

describe('hooks configuration: the event window', () => {
  it('reads the window and keeps the event ids under the data folder unless told otherwise', () => {
    const config = hooksConfigFromEnv(
      { CORDON_HOOK_EVENT_MAX_AGE_SECONDS: '600', CORDON_HOOK_EVENT_MAX_FUTURE_SECONDS: '30' },
      DATA,
    );
    expect(config).toMatchObject({
      eventMaxAgeMs: 600_000,
      eventMaxFutureMs: 30_000,
      stateDir: path.join('/data', 'hooks'),
    });
    expect(hooksConfigFromEnv({}, DATA)).toMatchObject({ eventMaxAgeMs: 900_000, eventMaxFutureMs: 300_000 });
    expect(hooksConfigFromEnv({ CORDON_HOOKS_STATE_DIR: '/var/lib/cordon/hooks' }, DATA).stateDir).toBe(
      '/var/lib/cordon/hooks',
    );
  });

  it('refuses a memory shorter than the window, which would forget events that are still fresh', () => {
    expect(() =>
      hooksConfigFromEnv({ CORDON_HOOK_EVENT_ID_TTL_SECONDS: '600', CORDON_HOOK_EVENT_MAX_AGE_SECONDS: '900' }, DATA),
    ).toThrow(/CORDON_HOOK_EVENT_ID_TTL_SECONDS \(600\) must be at least .* \(1200\)/);
    expect(() => hooksConfigFromEnv({ CORDON_HOOK_EVENT_MAX_AGE_SECONDS: '15m' }, DATA)).toThrow(
      /CORDON_HOOK_EVENT_MAX_AGE_SECONDS must be a whole number, got "15m"/,
    );
  });
});

describe('webhook signatures', () => {
  it('are the hex HMAC-SHA256 of timestamp, a dot and the raw body', () => {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'secret-0123456789abcdef'
    const expected = '8eae3d28cb521b6b37f86de366c0b3de07baa3505577e5d97c7b1625541e4a2c';
    expect(webhookSignature('secret-0123456789abcdef', '1700000000', '{"a":1}')).toBe(expected);
    expect(webhookSignature('secret-0123456789abcdef', '1700000000', Buffer.from('{"a":1}'))).toBe(expected);
  });
});

describe('route paths', () => {
  it('match segment by segment, with :name matching one segment', () => {
    expect(pathMatches('/hooks/webhook/:source', '/hooks/webhook/siem')).toBe(true);
    expect(pathMatches('/hooks/webhook/:source', '/hooks/webhook/siem/')).toBe(true);
    expect(pathMatches('/hooks/webhook/:source', '/hooks/webhook')).toBe(false);
    expect(pathMatches('/hooks/webhook/:source', '/hooks/webhook/a/b')).toBe(false);
    expect(pathMatches('/hooks/okta', '/hooks/okta')).toBe(true);
  });
});

describe('reading bodies', () => {
  async function serve(limit: number) {
    const results: Array<Buffer | Error> = [];
    const server = createServer((req: IncomingMessage, res) => {
      readBody(req, limit).then(
        (body) => {
          results.push(body);
          res.end('ok');
        },
        (error: Error) => {
          results.push(error);
          res.writeHead(413, { connection: 'close' }).end('too large');
        },
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return { port, results, close: () => server.close() };
  }

  it('keeps the raw bytes of a body within the limit', async () => {
    const host = await serve(1024);
    const response = await fetch(`http://127.0.0.1:${host.port}/`, { method: 'POST', body: 'héllo' });
    expect(response.status).toBe(200);
    expect(host.results[0]).toEqual(Buffer.from('héllo'));
    host.close();
  });

  it('refuses a body larger than the limit, declared or streamed, and the client still gets its answer', async () => {
    const host = await serve(1024);
    const declared = await fetch(`http://127.0.0.1:${host.port}/`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(declared.status).toBe(413);
    // Chunked: no Content-Length, so the limit is found while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('y'.repeat(500));
      req.end();
    });
    expect(status).toBe(413);
    expect(host.results.every((result) => result instanceof BodyTooLargeError)).toBe(true);
    host.close();
  });
});
