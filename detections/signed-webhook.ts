/**
 * Signed webhooks for SIEMs and EDRs, one secret per source (`POST /hooks/webhook/:source`). The sender signs the
 * timestamp and the raw body:
 *
 *   X-Cordon-Timestamp: <unix seconds>
 *   X-Cordon-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 *
 * A timestamp further than the replay window from now is refused, so a captured request cannot be replayed later;
 * within the window, the event id de-duplication makes a replay harmless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventFormatError, webhookEvents } from './detection-event';
import { headerOf, pathOf, sendJson } from './http';
import { receiveEvents, type ReceiverDeps } from './receiver';
import { HookRefusal, parseJsonBody, readLimitedBody } from './refuse';

export const WEBHOOK_PATH = '/hooks/webhook/:source';
export const WEBHOOK_PREFIX = '/hooks/webhook/';
export const TIMESTAMP_HEADER = 'x-cordon-timestamp';
export const SIGNATURE_HEADER = 'x-cordon-signature';

/** The hex HMAC-SHA256 a sender puts after `v1=`. */
export function webhookSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The source named by the path, or undefined when the path has no valid source segment. */
export function sourceFromPath(req: IncomingMessage): string | undefined {
  const path = pathOf(req);
  if (!path.startsWith(WEBHOOK_PREFIX)) return undefined;
  let source: string;
  try {
    source = decodeURIComponent(path.slice(WEBHOOK_PREFIX.length).replace(/\/$/, ''));
  } catch {
    return undefined;
  }
  return /^[a-z0-9][a-z0-9_-]{0,62}$/.test(source) ? source : undefined;
}

/** The v1 signatures of the header (several, comma-separated, while a sender rotates its secret), as bytes. */
function givenSignatures(header: string): Buffer[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^v1=[0-9a-fA-F]{64}$/.test(part))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
}

function checkTimestamp(header: string | undefined, windowMs: number, now: number): string {
  if (header === undefined) throw new HookRefusal(401, `missing ${TIMESTAMP_HEADER} header`);
  if (!/^\d{1,12}$/.test(header)) throw new HookRefusal(401, `${TIMESTAMP_HEADER} must be unix seconds`);
  const skewMs = Math.abs(now - Number(header) * 1000);
  if (skewMs > windowMs) {
    throw new HookRefusal(
      401,
      `${TIMESTAMP_HEADER} is ${Math.round(skewMs / 1000)} s from now, outside the ${windowMs / 1000} s replay window`,
    );
  }
  return header;
}

/** Constant-time check of every given signature against every secret of the source (equal-length digests). */
function signatureMatches(
  secrets: readonly string[],
  timestamp: string,
  raw: Buffer,
  given: readonly Buffer[],
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(webhookSignature(secret, timestamp, raw), 'hex');
    for (const signature of given) {
      // No early exit: the time taken does not depend on which comparison matched.
      if (timingSafeEqual(expected, signature)) matched = true;
    }
  }
  return matched;
}

/** POST /hooks/webhook/:source */
export async function handleSignedWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ReceiverDeps,
  source: string | undefined,
  now: number,
): Promise<void> {
  const secrets = source === undefined ? undefined : deps.config.webhookSecrets[source];
  if (source === undefined || secrets === undefined) throw new HookRefusal(404, 'unknown webhook source');
  // Headers first: a stale or unsigned request is refused before its body is read.
  const timestamp = checkTimestamp(headerOf(req, TIMESTAMP_HEADER), deps.config.replayWindowMs, now);
  const header = headerOf(req, SIGNATURE_HEADER);
  if (header === undefined) throw new HookRefusal(401, `missing ${SIGNATURE_HEADER} header`);
  const given = givenSignatures(header);
  if (given.length === 0) throw new HookRefusal(401, `${SIGNATURE_HEADER} holds no v1=<64 hex digits> signature`);
  const raw = await readLimitedBody(req, deps.config.maxBodyBytes);
  if (!signatureMatches(secrets, timestamp, raw, given)) {
    throw new HookRefusal(401, 'signature does not match the body and timestamp');
  }
  const body = parseJsonBody(raw);
  let events;
  try {
    events = webhookEvents(source, body);
  } catch (error) {
    if (error instanceof EventFormatError) throw new HookRefusal(400, error.message);
    throw error;
  }
  const delivery = await receiveEvents(deps, events);
  sendJson(res, delivery.status, delivery.body);
}
