import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec';
import { ConfigError, loadConfig } from '../../config/config';

const key = () => randomBytes(32).toString('base64');

describe('payload codec keys (CORDON_CODEC_KEYS)', () => {
  it('are off by default, and the first key encrypts unless CORDON_CODEC_KEY_ID names another', () => {
    expect(loadConfig({}).codec).toBeUndefined();
    const keys = `2026-11:${key()},2026-05:${key()}`;
    expect(loadConfig({ CORDON_CODEC_KEYS: keys }).codec?.activeKeyId).toBe('2026-11');
    expect(loadConfig({ CORDON_CODEC_KEYS: keys, CORDON_CODEC_KEY_ID: '2026-05' }).codec?.activeKeyId).toBe('2026-05');
  });

  it('refuses every bad entry at once, naming key ids and never a key', () => {
    const secret = key();
    const start = () => loadConfig({ CORDON_CODEC_KEYS: `a:${secret},nocolon,b:c2hvcnQ=,a:${key()}` });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(
      'CORDON_CODEC_KEYS: entry 2: expected <key id>:<base64 key>, the id of letters, digits, ' +
        "'.', '_' or '-'; entry 3 (\"b\"): the key must be 32 bytes in base64 (openssl rand -base64 32); " +
        'entry 4 ("a"): key id "a" is given twice',
    );
    expect(start).not.toThrow(secret);
  });

  it('refuses an active key id that is not among the keys', () => {
    expect(() => loadConfig({ CORDON_CODEC_KEYS: `a:${key()}`, CORDON_CODEC_KEY_ID: 'b' })).toThrow(
      'CORDON_CODEC_KEY_ID "b" is not one of the key ids (a)',
    );
    expect(() => loadConfig({ CORDON_CODEC_KEY_ID: 'b' })).toThrow(
      'CORDON_CODEC_KEY_ID is set without CORDON_CODEC_KEYS',
    );
  });
});

describe('the AES-GCM codec', () => {
  const keys = { keys: new Map([['k1', randomBytes(32)]]), activeKeyId: 'k1' };
  const payload = {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode('"bob@example.com"'),
  };

  it('round-trips a payload, and refuses one whose bytes were altered', async () => {
    const codec = new AesGcmCodec(keys);
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain('bob@');
    const [opened] = await codec.decode(sealed ? [sealed] : []);
    expect(Buffer.from(opened?.data ?? []).toString()).toBe('"bob@example.com"');
    expect(Buffer.from(opened?.metadata?.encoding ?? []).toString()).toBe('json/plain');
    const data = Uint8Array.from(sealed?.data ?? []);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow('a payload does not decrypt with key "k1"');
  });

  it('gives stable pseudonyms that reveal nothing of the value', () => {
    const codec = new AesGcmCodec(keys);
    expect(codec.pseudonym('bob@example.com')).toBe(codec.pseudonym('bob@example.com'));
    expect(codec.pseudonym('bob@example.com')).toMatch(/^[0-9a-f]{24}$/);
    expect(codec.pseudonym('bob@example.com')).not.toBe(codec.pseudonym('alice@example.com'));
  });
});
