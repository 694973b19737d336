/**
 * Decrypts every encrypted payload of a history fetched from the server, in place, so that the audit, the export and
 * the replay read it as if no codec were there. Temporal's client decodes what it returns from workflow calls, but
 * gives a history as the server stores it.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isEncrypted } from './aes-gcm-codec';

interface Slot {
  holder: object;
  key: string;
  payload: Payload;
}

function isPayload(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && 'metadata' in value && !(value instanceof Uint8Array);
}

function collect(value: unknown, slots: Slot[], seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array || seen.has(value)) return;
  seen.add(value);
  // Object.entries lists an array's items under their index too.
  for (const [key, child] of Object.entries(value)) {
    if (isPayload(child) && isEncrypted(child)) {
      slots.push({ holder: value, key, payload: child });
    } else {
      collect(child, slots, seen);
    }
  }
}

/** Decodes, in place, every payload the codecs encrypted; returns the same history. */
export async function decodeHistory<History extends object>(
  history: History,
  codecs: readonly PayloadCodec[],
): Promise<History> {
  if (codecs.length === 0) return history;
  const slots: Slot[] = [];
  collect(history, slots, new Set());
  let payloads = slots.map((slot) => slot.payload);
  // Codecs decode in the reverse order of encoding, as the SDK's data converter does.
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  for (const [index, slot] of slots.entries()) {
    Reflect.set(slot.holder, slot.key, payloads[index]);
  }
  return history;
}
