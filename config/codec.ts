/**
 * The payload codec section: the AES-256-GCM keys (`CORDON_CODEC_KEYS`) every process that talks to Temporal (the
 * worker, the CLI, `cordon serve`) encrypts payloads with, and which of them encrypts (`CORDON_CODEC_KEY_ID`). No keys:
 * payloads go in clear, as on a laptop's own dev server. Error messages name key ids, never keys.
 */
import type { CodecKeys } from '../codec/aes-gcm-codec';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';

/** Every variable this section reads (see `variables.ts`). */
export const CODEC_VARIABLES = ['CORDON_CODEC_KEYS', 'CORDON_CODEC_KEY_ID'] as const;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** `id:base64,id:base64` (the first is active unless `CORDON_CODEC_KEY_ID` names another); undefined without keys. */
export function codecConfigFromEnv(env: SectionEnv<typeof CODEC_VARIABLES>): CodecKeys | undefined {
  const raw = env.CORDON_CODEC_KEYS?.trim();
  if (!raw) {
    if (env.CORDON_CODEC_KEY_ID) throw new ConfigError('CORDON_CODEC_KEY_ID is set without CORDON_CODEC_KEYS');
    return undefined;
  }
  const keys = new Map<string, Uint8Array>();
  const problems: string[] = [];
  for (const [index, entry] of raw.split(',').entries()) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, Math.max(separator, 0)).trim();
    const encoded = entry.slice(separator + 1).trim();
    const where = `entry ${index + 1}${id ? ` ("${id}")` : ''}`;
    if (separator < 0 || !KEY_ID.test(id)) {
      problems.push(`${where}: expected <key id>:<base64 key>, the id of letters, digits, '.', '_' or '-'`);
      continue;
    }
    if (keys.has(id)) {
      problems.push(`${where}: key id "${id}" is given twice`);
      continue;
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
      problems.push(`${where}: the key must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
      continue;
    }
    keys.set(id, key);
  }
  const activeKeyId = env.CORDON_CODEC_KEY_ID || keys.keys().next().value;
  if (problems.length === 0 && (activeKeyId === undefined || !keys.has(activeKeyId))) {
    problems.push(`CORDON_CODEC_KEY_ID "${activeKeyId}" is not one of the key ids (${[...keys.keys()].join(', ')})`);
  }
  if (problems.length > 0 || activeKeyId === undefined)
    throw new ConfigError(`CORDON_CODEC_KEYS: ${problems.join('; ')}`);
  return { keys, activeKeyId };
}
