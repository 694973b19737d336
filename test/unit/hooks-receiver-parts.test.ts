import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { hooksConfigFromEnv } from '../../config/hooks';
import { EventDedupe } from '../../hooks/event-dedupe';
import { BodyTooLargeError, readBody } from '../../hooks/read-body';
import { pathMatches } from '../../hooks/server';
import { webhookSignature } from '../../hooks/signed-webhook';

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

describe('hooks configuration', () => {
  it('reads secrets, indicators and limits from the environment', () => {
    const config = hooksConfigFromEnv({
      OKTA_EVENT_HOOK_SECRET: 'okta-secret-0123456789',
      CORDON_WEBHOOK_SECRETS: JSON.stringify({
        siem: 'siem-secret-0123456789',
        edr: ['new-secret-0123456789', 'old-secret-0123456789'],
      }),
      CORDON_INDICATORS: JSON.stringify({ ips: ['203.0.113.66'], domains: ['Twilio-Okta.com.'] }),
      CORDON_HOOK_REPLAY_WINDOW_SECONDS: '60',
    });
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
    const config = hooksConfigFromEnv({});
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
        hooksConfigFromEnv(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).not.toMatch(/short|leaky|tiny|long-enough/);
    }
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
