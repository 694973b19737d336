/**
 * Okta event hooks. Okta sends the header configured on the hook (here `Authorization`) with every request: once a GET
 * with `X-Okta-Verification-Challenge`, which is echoed back as `{"verification": ...}`, then POSTs whose
 * `data.events[]` are System Log events. Okta waits 3 s at most for an answer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OKTA_SOURCE } from '../config/hooks';
import { EventFormatError, oktaDeliveryEvents } from './detection-event';
import { headerOf, sendJson } from './http';
import { receiveEvents, type ReceiverDeps } from './receiver';
import { HookRefusal, parseJsonBody, readLimitedBody } from './refuse';

export const OKTA_HOOK_PATH = '/hooks/okta';
export const OKTA_CHALLENGE_HEADER = 'x-okta-verification-challenge';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Checks the Authorization header against the secret in constant time: both are hashed first, so the comparison is of
 * equal lengths and reveals nothing about the secret's length either.
 */
export function oktaAuthorized(req: IncomingMessage, secret: string): boolean {
  const given = headerOf(req, 'authorization');
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(secret));
}

function authenticate(req: IncomingMessage, deps: ReceiverDeps): void {
  const secret = deps.config.oktaSecret;
  if (secret === undefined) throw new HookRefusal(404, 'Okta event hooks are not configured (OKTA_EVENT_HOOK_SECRET)');
  if (headerOf(req, 'authorization') === undefined) throw new HookRefusal(401, 'missing Authorization header');
  if (!oktaAuthorized(req, secret))
    throw new HookRefusal(401, 'Authorization header does not match the configured secret');
}

/** GET: the one-time verification when the hook is created or re-verified in Okta. */
export function handleOktaVerification(req: IncomingMessage, res: ServerResponse, deps: ReceiverDeps): void {
  authenticate(req, deps);
  const challenge = headerOf(req, OKTA_CHALLENGE_HEADER);
  if (!challenge) throw new HookRefusal(400, `missing ${OKTA_CHALLENGE_HEADER} header`);
  deps.log({ level: 'info', msg: 'okta hook verified', source: OKTA_SOURCE });
  sendJson(res, 200, { verification: challenge });
}

/** POST: a delivery of System Log events. */
export async function handleOktaDelivery(req: IncomingMessage, res: ServerResponse, deps: ReceiverDeps): Promise<void> {
  authenticate(req, deps);
  const raw = await readLimitedBody(req, deps.config.maxBodyBytes);
  const body = parseJsonBody(raw);
  let events;
  try {
    events = oktaDeliveryEvents(body);
  } catch (error) {
    if (error instanceof EventFormatError) throw new HookRefusal(400, error.message);
    throw error;
  }
  const delivery = await receiveEvents(deps, events);
  sendJson(res, delivery.status, delivery.body);
}
