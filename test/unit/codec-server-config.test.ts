import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codecServerCommand } from '../../cli/commands/codec-server';
import { createContext } from '../../cli/context';
import { ConfigError, loadConfig, type Env } from '../../config/config';

const TOKEN = randomBytes(32).toString('base64');
const KEYS = `2026-11:${randomBytes(32).toString('base64')}`;

describe('the codec server configuration (CORDON_CODEC_SERVER_*)', () => {
  it('listens on loopback port 8234 and answers the dev server’s Web UI by default', () => {
    expect(loadConfig({}).codecServer).toEqual({
      port: 8234,
      host: '127.0.0.1',
      allowedOrigin: 'http://127.0.0.1:8233',
    });
    expect(
      loadConfig({
        CORDON_CODEC_SERVER_TOKEN: TOKEN,
        CORDON_CODEC_SERVER_PORT: '9000',
        CORDON_CODEC_SERVER_ORIGIN: 'https://temporal-ui.example.com/',
      }).codecServer,
    ).toEqual({ token: TOKEN, port: 9000, host: '127.0.0.1', allowedOrigin: 'https://temporal-ui.example.com' });
  });

  it('refuses a short token without repeating it, a bad port and an origin with a path, all at once', () => {
    const load = () =>
      loadConfig({
        CORDON_CODEC_SERVER_TOKEN: 'hunter2hunter2',
        CORDON_CODEC_SERVER_PORT: '70000',
        CORDON_CODEC_SERVER_ORIGIN: 'https://temporal-ui.example.com/namespaces',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/CORDON_CODEC_SERVER_TOKEN: the token must be at least 32 characters/);
    expect(load).toThrow(/CORDON_CODEC_SERVER_PORT: "70000" is not a port/);
    expect(load).toThrow(
      /CORDON_CODEC_SERVER_ORIGIN: "https:\/\/temporal-ui.example.com\/namespaces" is not an origin/,
    );
    expect(load).not.toThrow(/hunter2/);
  });
});

describe('cordon codec-server', () => {
  const start = (env: Env) =>
    codecServerCommand.run({ positionals: [], values: {} }, createContext(loadConfig(env), env));

  it('refuses to start without codec keys or without a token, saying which', async () => {
    await expect(start({ CORDON_CODEC_SERVER_TOKEN: TOKEN })).rejects.toThrow(
      /^CORDON_CODEC_KEYS is not set: without the payload codec there is nothing to decode$/,
    );
    await expect(start({ CORDON_CODEC_KEYS: KEYS })).rejects.toThrow(
      /^CORDON_CODEC_SERVER_TOKEN is not set: a codec server decrypts every run/,
    );
    await expect(start({})).rejects.toThrow(/CORDON_CODEC_KEYS is not set.*; CORDON_CODEC_SERVER_TOKEN is not set/);
  });
});
