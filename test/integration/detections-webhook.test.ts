import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../dsl/plan';
import { webhookSignature } from '../../detections/signed-webhook';
import { signedWebhookHeaders } from '../support/signed-webhook';
import {
  OKTA_SECRET,
  SIEM_SECRET,
  deliveryOf,
  fixturePlan,
  noRunOf,
  oktaDelivery,
  oktaEvent,
  postOkta,
  startReceiver,
  type Receiver,
} from '../fixtures/detections/receiver';
import { startHarness, type Harness } from '../support/harness';
import { waitForState } from '../support/wait';

let harness: Harness;
let plan: Plan;
let receiver: Receiver;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['olivia'] } });
  plan = fixturePlan(harness, 'contain-flagged-account');
  receiver = await startReceiver(harness, [plan]);
});
afterAll(async () => {
  await receiver?.close();
  await harness?.shutdown();
});

const alert = (user: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `alert-${user}`, type: 'impossible_travel', severity: 'high', user, ...extra });

function postSiem(
  body: string,
  headers: Record<string, string> = signedWebhookHeaders(SIEM_SECRET, body),
  source = 'siem',
) {
  return fetch(`${receiver.url}/hooks/webhook/${source}`, { method: 'POST', headers, body });
}

/** Polls the ledger for the first containment call on a target; its time, in ms since the epoch. */
async function firstCall(target: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const entry = harness.ledger().find((candidate) => candidate.target === target && candidate.phase === 'start');
    if (entry) return entry.at;
    await sleep(5);
  }
  throw new Error(`no call on ${target} within ${timeoutMs} ms`);
}

/** The one log line about the last refused request. */
function lastRefusal() {
  return receiver.logs.filter((entry) => entry.msg === 'request refused').at(-1);
}

const wid = (user: string) => `cordon/${plan.id}/${user}`;

describe('signed webhooks', () => {
  it('start a run for a validly signed SIEM alert, and the time to the first containment call is measured', async () => {
    for (const user of ['cold@example.com', 'warm@example.com']) {
      const body = alert(user);
      const sent = Date.now();
      const response = await postSiem(body);
      const answered = Date.now() - sent;
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ matched: 1, runs: [{ workflowId: wid(user), started: true }] });
      const latency = (await firstCall(`sessions:${user}`)) - sent;
      console.log(
        `webhook → first containment call: ${latency} ms (${user.split('@')[0]} worker; answered in ${answered} ms)`,
      );
      const state = await waitForState(
        harness.client.workflow.getHandle(wid(user)),
        (s) => s.status === 'waiting_approval',
      );
      expect(state.requester).toBe('detection:siem');
      expect(state.trigger).toEqual({ kind: 'detection', source: 'siem', reference: `alert-${user}` });
      expect(state.alerts).toEqual([
        expect.objectContaining({ source: 'siem', reference: `alert-${user}`, data: JSON.parse(body) }),
      ]);
      await harness.client.workflow.getHandle(wid(user)).cancel();
    }
  });

  it('accept a batch {events: [...]} and either of two secrets while one is rotated', async () => {
    const rotating = await startReceiver(harness, [plan], {
      webhookSecrets: { siem: ['new-secret-0123456789abc', SIEM_SECRET] },
    });
    try {
      const body = JSON.stringify({
        events: [JSON.parse(alert('rot1@example.com')), JSON.parse(alert('rot2@example.com'))],
      });
      for (const secret of ['new-secret-0123456789abc', SIEM_SECRET]) {
        const response = await fetch(`${rotating.url}/hooks/webhook/siem`, {
          method: 'POST',
          headers: signedWebhookHeaders(secret, body),
          body,
        });
        expect(response.status).toBe(200);
      }
      for (const user of ['rot1@example.com', 'rot2@example.com']) {
        const handle = harness.client.workflow.getHandle(wid(user));
        const state = await waitForState(handle, (s) => s.status === 'waiting_approval');
        expect(state.alerts).toHaveLength(1);
        await handle.cancel();
      }
    } finally {
      await rotating.close();
    }
  });
});

describe('bad input is refused with its status, a log line saying why, and starts nothing', () => {
  it('a tampered body (401)', async () => {
    const body = alert('tampered@example.com');
    const headers = signedWebhookHeaders(SIEM_SECRET, body);
    const response = await postSiem(body.replace('high', 'critical'), headers);
    expect(response.status).toBe(401);
    expect(lastRefusal()).toMatchObject({
      status: 401,
      source: 'siem',
      reason: 'signature does not match the body and timestamp',
    });
    expect(await noRunOf(harness.client, plan, 'tampered@example.com')).toBe(true);
  });

  it('a stale or far-future timestamp (401), even when correctly signed', async () => {
    const body = alert('stale@example.com');
    for (const offset of [-6 * 60_000, +6 * 60_000]) {
      const response = await postSiem(body, signedWebhookHeaders(SIEM_SECRET, body, Date.now() + offset));
      expect(response.status).toBe(401);
      expect(lastRefusal()?.reason).toMatch(/outside the 300 s replay window/);
    }
    expect(await noRunOf(harness.client, plan, 'stale@example.com')).toBe(true);
  });

  it('a missing or malformed signature, or one made with another secret (401)', async () => {
    const body = alert('unsigned@example.com');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ 'x-cordon-timestamp': timestamp }, /missing x-cordon-signature/],
      [{ 'x-cordon-signature': `v1=${webhookSignature(SIEM_SECRET, timestamp, body)}` }, /missing x-cordon-timestamp/],
      [{ 'x-cordon-timestamp': timestamp, 'x-cordon-signature': 'sha256=abc' }, /no v1=<64 hex digits>/],
      [signedWebhookHeaders('some-other-secret-0123456789', body), /signature does not match/],
    ];
    for (const [headers, reason] of cases) {
      const response = await postSiem(body, headers);
      expect(response.status).toBe(401);
      expect(lastRefusal()?.reason).toMatch(reason);
    }
    expect(await noRunOf(harness.client, plan, 'unsigned@example.com')).toBe(true);
  });

  it('an unknown source (404)', async () => {
    const body = alert('unknown@example.com');
    const response = await postSiem(body, signedWebhookHeaders(SIEM_SECRET, body), 'edr');
    expect(response.status).toBe(404);
    expect(lastRefusal()).toMatchObject({ status: 404, source: 'edr', reason: 'unknown webhook source' });
    expect((await postSiem(body, signedWebhookHeaders(SIEM_SECRET, body), '..%2Fokta')).status).toBe(404);
    expect(await noRunOf(harness.client, plan, 'unknown@example.com')).toBe(true);
  });

  it('an oversized body (413), on either route', async () => {
    const body = alert('huge@example.com', { padding: 'x'.repeat(1024 * 1024 + 10) });
    const response = await postSiem(body);
    expect(response.status).toBe(413);
    expect(lastRefusal()).toMatchObject({ status: 413, reason: 'request body is larger than 1048576 bytes' });
    const okta = await postOkta(
      receiver,
      oktaDelivery([oktaEvent({ uuid: 'huge', login: 'huge@example.com' }), 'x'.repeat(1024 * 1024)]),
    );
    expect(okta.status).toBe(413);
    expect(await noRunOf(harness.client, plan, 'huge@example.com')).toBe(true);
  });

  it('malformed JSON or a body of the wrong shape (400), on either route', async () => {
    const broken = '{"id": "a", "user": "broken@example.com",';
    expect((await postSiem(broken)).status).toBe(400);
    expect(lastRefusal()?.reason).toMatch(/^body is not valid JSON/);
    expect((await postSiem('[1, 2]')).status).toBe(400);
    expect(lastRefusal()?.reason).toBe('the body is not a JSON object');
    expect((await postOkta(receiver, broken)).status).toBe(400);
    expect((await postOkta(receiver, JSON.stringify({ events: [] }))).status).toBe(400);
    expect(lastRefusal()?.reason).toMatch(/not an Okta event hook delivery/);
    expect(await noRunOf(harness.client, plan, 'broken@example.com')).toBe(true);
  });

  it('an event that matches no trigger (200, matched 0)', async () => {
    const body = JSON.stringify({ id: 'quiet', type: 'impossible_travel', severity: 'low', user: 'quiet@example.com' });
    const response = await postSiem(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, matched: 0, runs: [] });
    expect(receiver.logs.at(-1)).toMatchObject({
      msg: 'event matched no trigger',
      eventId: 'quiet',
      eventType: 'impossible_travel',
    });
    expect(await noRunOf(harness.client, plan, 'quiet@example.com')).toBe(true);
  });

  it('an event whose playbook inputs do not validate (422, with the problems)', async () => {
    const body = alert('not-an-email');
    const response = await postSiem(body);
    expect(response.status).toBe(422);
    const answer = await deliveryOf(response);
    expect(answer).toMatchObject({ matched: 0, refused: [{ eventId: 'alert-not-an-email', playbook: plan.id }] });
    expect(answer.refused[0]?.problems.join()).toMatch(/"not-an-email" is not an e-mail address/);
    expect(receiver.logs.at(-1)).toMatchObject({ level: 'warn', msg: 'event refused', eventId: 'alert-not-an-email' });
    expect(await noRunOf(harness.client, plan, 'not-an-email')).toBe(true);
  });

  it('never logs a body, a secret or a signature', async () => {
    const text = receiver.logs.map((entry) => JSON.stringify(entry)).join('\n');
    expect(text).not.toContain(SIEM_SECRET);
    expect(text).not.toContain(OKTA_SECRET);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain('padding');
    expect(text).not.toContain('impossible_travel","severity');
    for (const entry of receiver.logs) expect(Object.keys(entry)).not.toContain('body');
  });
});
