/**
 * `cordon codec-server`: serves Temporal's remote codec protocol over the worker's payload codec, so the Temporal Web
 * UI (and `temporal workflow show --codec-endpoint`) can show encrypted runs in clear to whoever holds the token.
 * Refuses to start without codec keys or without a token. Runs until Ctrl-C.
 */
import { AesGcmCodec } from '../../codec/aes-gcm-codec';
import { startCodecServer } from '../../codec/codec-server';
import { ConfigError } from '../../config/config';
import { MIN_CODEC_SERVER_TOKEN_LENGTH } from '../../config/codec-server';
import { stringOption, defineCommand } from '../command';
import { portOf, untilSignal } from '../server-lifetime';

export const codecServerCommand = defineCommand('codec-server', {
  usage: '[--port 8234 (CORDON_CODEC_SERVER_PORT)] [--host 127.0.0.1 (CORDON_CODEC_SERVER_HOST)]',
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run(args, context) {
    const { codec, codecServer, temporal } = context.config;
    const problems = [
      ...(codec ? [] : ['CORDON_CODEC_KEYS is not set: without the payload codec there is nothing to decode']),
      ...(codecServer.token
        ? []
        : [
            `CORDON_CODEC_SERVER_TOKEN is not set: a codec server decrypts every run, so it serves only callers with its token (at least ${MIN_CODEC_SERVER_TOKEN_LENGTH} characters: openssl rand -base64 32)`,
          ]),
    ];
    if (!codec || !codecServer.token) throw new ConfigError(problems.join('; '), problems);
    const server = await startCodecServer({
      codec: new AesGcmCodec(codec),
      token: codecServer.token,
      namespace: temporal.namespace,
      allowedOrigin: codecServer.allowedOrigin,
      port: portOf(stringOption(args, 'port'), codecServer.port),
      host: stringOption(args, 'host') ?? codecServer.host,
      warn: (line) => context.err(line),
      log: (line) => context.err(line),
    });
    context.out(`cordon codec-server on ${server.url} (POST /encode, /decode; namespace ${temporal.namespace})`);
    context.out(`Web UI origin allowed: ${codecServer.allowedOrigin}; keys: ${[...codec.keys.keys()].join(', ')}`);
    context.out('Ctrl-C stops');
    await untilSignal();
    await server.close();
    return 0;
  },
});
