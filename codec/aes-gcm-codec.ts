/**
 * The payload codec: AES-256-GCM over every payload the worker, the CLI and `cordon serve` send to Temporal (workflow
 * inputs and results, activity inputs and outputs, queries, updates, memos, summaries), so a shared cluster, Temporal
 * Cloud or anyone who reads its database never sees a login, a user id or a piece of evidence in clear.
 *
 * A payload is encrypted whole (its metadata, which names its encoding, included) under the active key and tagged
 * with that key's id; decoding picks the key by the tag, so rotation is: add a new key, make it active, and keep the
 * old ones for as long as histories encrypted with them are read (audits, replays, runs in flight).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKeys {
  /** Key id → 32-byte key. */
  keys: ReadonlyMap<string, Uint8Array>;
  /** The key new payloads are encrypted with. */
  activeKeyId: string;
}

/** Thrown when a payload cannot be decrypted: names the key id, never the key. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

const text = new TextEncoder();
const utf8 = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly active: Uint8Array;

  constructor(private readonly keyring: CodecKeys) {
    const active = keyring.keys.get(keyring.activeKeyId);
    if (!active) throw new RangeError(`the active key "${keyring.activeKeyId}" is not among the keys`);
    this.active = active;
  }

  /**
   * A keyed, stable stand-in for a value that must stay searchable but cannot be encrypted (a workflow id, a search
   * attribute): 24 hex digits of an HMAC under a key derived from the active key. The same value gives the same
   * pseudonym until the active key changes.
   */
  pseudonym(value: string): string {
    return pseudonymUnder(this.active, value);
  }

  /**
   * The value's pseudonym under every key, the active key's first: what a lookup tries, so that an id made before a
   * rotation is still found by the value.
   */
  pseudonyms(value: string): string[] {
    const others = [...this.keyring.keys.entries()].filter(([id]) => id !== this.keyring.activeKeyId);
    return [this.pseudonym(value), ...others.map(([, key]) => pseudonymUnder(key, value))];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.active, iv);
    // The key id is authenticated: a payload relabelled with another id does not decrypt.
    cipher.setAAD(text.encode(keyId));
    const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { encoding: text.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text.encode(keyId) },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = keyIdBytes ? utf8.decode(keyIdBytes) : '';
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `cannot decrypt a payload encrypted with key "${keyId}": it is not in CORDON_CODEC_KEYS ` +
          `(known: ${[...this.keyring.keys.keys()].join(', ')})`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`an encrypted payload is truncated`);
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(text.encode(keyId));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`a payload does not decrypt with key "${keyId}": altered, or another key`);
    }
    const decoded = proto.temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

function pseudonymUnder(codecKey: Uint8Array, value: string): string {
  const key = createHmac('sha256', codecKey).update('cordon pseudonym key').digest();
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 24);
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && utf8.decode(encoding) === ENCRYPTED_ENCODING;
}
