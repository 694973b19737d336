/**
 * The codec server section (`cordon codec-server`): the bearer token its callers must present
 * (`CORDON_CODEC_SERVER_TOKEN`), where it listens (`CORDON_CODEC_SERVER_PORT`, `CORDON_CODEC_SERVER_HOST`) and which
 * Web UI origin may call it from a browser (`CORDON_CODEC_SERVER_ORIGIN`). Errors never repeat the token.
 */
import { ConfigError } from './config-error';
import { ConfigProblems } from './config-problems';
import type { SectionEnv } from './section-env';

/** Every variable this section reads (see `variables.ts`). */
export const CODEC_SERVER_VARIABLES = [
  'CORDON_CODEC_SERVER_TOKEN',
  'CORDON_CODEC_SERVER_PORT',
  'CORDON_CODEC_SERVER_HOST',
  'CORDON_CODEC_SERVER_ORIGIN',
] as const;

type CodecServerEnv = SectionEnv<typeof CODEC_SERVER_VARIABLES>;

/** A token shorter than this is refused: it guards a server that decrypts everything (`openssl rand -base64 32`). */
export const MIN_CODEC_SERVER_TOKEN_LENGTH = 32;

export interface CodecServerConfig {
  /** The bearer token every request must carry; undefined: `cordon codec-server` refuses to start. */
  token?: string;
  /** @default 8234 (beside the dev server's Web UI on 8233) */
  port: number;
  /** Loopback by default: whoever can reach the port and holds the token can decrypt. @default '127.0.0.1' */
  host: string;
  /** The Web UI's origin, the only one a browser may call the server from. @default 'http://127.0.0.1:8233' */
  allowedOrigin: string;
}

function token(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw.trim().length < MIN_CODEC_SERVER_TOKEN_LENGTH || /\s/.test(raw.trim())) {
    throw new ConfigError(
      `CORDON_CODEC_SERVER_TOKEN: the token must be at least ${MIN_CODEC_SERVER_TOKEN_LENGTH} characters without spaces (openssl rand -base64 32)`,
    );
  }
  return raw.trim();
}

function port(raw: string | undefined): number {
  if (!raw) return 8234;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new ConfigError(`CORDON_CODEC_SERVER_PORT: "${raw}" is not a port (0-65535)`);
  return Number(raw);
}

function origin(raw: string | undefined): string {
  if (!raw) return 'http://127.0.0.1:8233';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`CORDON_CODEC_SERVER_ORIGIN: "${raw}" is not a URL (e.g. https://temporal-ui.example.com)`);
  }
  // An origin is scheme, host and port only: the browser sends exactly that, so anything more could never match.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError(
      `CORDON_CODEC_SERVER_ORIGIN: "${raw}" is not an origin: give the Web UI's scheme, host and port only (e.g. https://temporal-ui.example.com)`,
    );
  }
  return url.origin;
}

export function codecServerConfigFromEnv(env: CodecServerEnv): CodecServerConfig {
  const problems = new ConfigProblems();
  const config: CodecServerConfig = {
    token: problems.read(() => token(env.CORDON_CODEC_SERVER_TOKEN), undefined),
    port: problems.read(() => port(env.CORDON_CODEC_SERVER_PORT), 0),
    host: env.CORDON_CODEC_SERVER_HOST || '127.0.0.1',
    allowedOrigin: problems.read(() => origin(env.CORDON_CODEC_SERVER_ORIGIN), ''),
  };
  problems.throwIfAny();
  return config;
}
