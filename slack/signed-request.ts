/**
 * Slack's request signature, checked again by the worker: `cordon serve` passes the raw body, timestamp and signature
 * of a button click (or of the slash command that starts a run) to the run, and the worker verifies them with the
 * signing secret it holds, then reads the clicker, the button and the typed reason (or the command's user, channel and
 * text) from the signed body itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  APPROVE_ACTION,
  decodeDecision,
  REASON_ACTION,
  REASON_BLOCK,
  REJECT_ACTION,
  type DecisionReference,
} from './decision-buttons';

/** Slack's own limit: a request older (or newer) than five minutes is refused. */
export const SLACK_REQUEST_MAX_AGE_MS = 5 * 60 * 1000;

export interface SignedSlackRequest {
  body: string;
  timestamp: string;
  signature: string;
}

export interface SlackClick {
  userId: string;
  decision: 'approve' | 'reject';
  reference: DecisionReference;
  reason: string | undefined;
}

export type SlackCheck = { ok: true; click: SlackClick } | { ok: false; problem: string };

const clickSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
  state: z
    .object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).loose())),
    })
    .optional(),
});

export function slackSignatureOf(signingSecret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Problems with a request's timestamp and signature, or undefined when Slack signed it within `maxAgeMs` of `now`. */
export function slackSignatureProblem(
  request: SignedSlackRequest,
  signingSecret: string,
  now: number,
  maxAgeMs = SLACK_REQUEST_MAX_AGE_MS,
): string | undefined {
  if (!/^\d{1,12}$/.test(request.timestamp)) return 'the Slack request has no valid timestamp';
  const age = Math.abs(now - Number(request.timestamp) * 1000);
  if (age > maxAgeMs) return `the Slack request is ${Math.round(age / 1000)}s old (at most ${maxAgeMs / 1000}s)`;
  if (!sameSignature(slackSignatureOf(signingSecret, request.timestamp, request.body), request.signature)) {
    return "the Slack request's signature does not match the signing secret";
  }
  return undefined;
}

/** Verifies a signed click; `now` and `maxAgeMs` bound its freshness (pass `Infinity` to re-check an old one). */
export function checkSlackClick(
  request: SignedSlackRequest,
  signingSecret: string,
  now: number,
  maxAgeMs = SLACK_REQUEST_MAX_AGE_MS,
): SlackCheck {
  const problem = slackSignatureProblem(request, signingSecret, now, maxAgeMs);
  if (problem) return { ok: false, problem };
  let json: unknown;
  try {
    json = JSON.parse(new URLSearchParams(request.body).get('payload') ?? '');
  } catch {
    return { ok: false, problem: 'the signed Slack request holds no interaction payload' };
  }
  const parsed = clickSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'the signed Slack request is not a button click' };
  const action = parsed.data.actions[0];
  const decision =
    action?.action_id === APPROVE_ACTION ? 'approve' : action?.action_id === REJECT_ACTION ? 'reject' : undefined;
  const reference = decodeDecision(action?.value);
  if (!decision || !reference)
    return { ok: false, problem: 'the signed Slack request is not an Approve or Reject click' };
  const typed = parsed.data.state?.values[REASON_BLOCK]?.[REASON_ACTION]?.value;
  return {
    ok: true,
    click: { userId: parsed.data.user.id, decision, reference, reason: typed?.trim() || undefined },
  };
}
