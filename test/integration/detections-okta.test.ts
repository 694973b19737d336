import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HooksConfig } from '../../config/hooks';
import type { Plan } from '../../dsl/plan';
import { statusQuery } from '../../workflows/messages';
import {
  LISTED_IP,
  deliveryOf,
  OKTA_SECRET,
  fixturePlan,
  oktaDelivery,
  oktaEvent,
  postOkta,
  runExists,
  runsOf,
  startReceiver,
  type Receiver,
} from '../fixtures/detections/receiver';
import { startHarness, type Harness } from '../support/harness';
import { waitForState } from '../support/wait';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['olivia', 'oscar'] } });
});
afterAll(async () => harness?.shutdown());

const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiverFor(plan: Plan, overrides: Partial<HooksConfig> = {}) {
  const receiver = await startReceiver(harness, [plan], overrides);
  receivers.push(receiver);
  return receiver;
}

const verify = (receiver: Receiver, headers: Record<string, string>) =>
  fetch(`${receiver.url}/hooks/okta`, { headers: { 'x-okta-verification-challenge': 'challenge-1234', ...headers } });

describe('Okta event hooks', () => {
  it("answers Okta's one-time verification when the Authorization header holds the secret", async () => {
    const receiver = await receiverFor(fixturePlan(harness, 'contain-flagged-account'));
    const response = await verify(receiver, { authorization: OKTA_SECRET });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ verification: 'challenge-1234' });
  });

  it('refuses the verification with a wrong or missing secret, and logs why without the header', async () => {
    const receiver = await receiverFor(fixturePlan(harness, 'contain-flagged-account'));
    const wrong = await verify(receiver, { authorization: 'not-the-secret-at-all' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).not.toHaveProperty('verification');
    expect((await verify(receiver, {})).status).toBe(401);
    expect(receiver.logs).toEqual([
      expect.objectContaining({
        msg: 'request refused',
        status: 401,
        reason: 'Authorization header does not match the configured secret',
      }),
      expect.objectContaining({ msg: 'request refused', status: 401, reason: 'missing Authorization header' }),
    ]);
    expect(JSON.stringify(receiver.logs)).not.toContain('not-the-secret-at-all');
  });

  it('starts the playbook for a matching event, and its unattended step runs before any approval', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan);
    const started = Date.now();
    const response = await postOkta(
      receiver,
      oktaDelivery([oktaEvent({ uuid: 'evt-alice-1', login: 'alice@example.com' })]),
    );
    const answeredMs = Date.now() - started;
    expect(response.status).toBe(200);
    const body = await deliveryOf(response);
    const workflowId = `cordon/${plan.id}/alice@example.com`;
    expect(body).toMatchObject({ received: 1, matched: 1, duplicates: 0, failed: 0, pending: 0 });
    expect(body.runs).toEqual([{ eventId: 'evt-alice-1', playbook: plan.id, workflowId, started: true }]);

    const handle = harness.client.workflow.getHandle(workflowId);
    const state = await waitForState(handle, (s) => s.status === 'waiting_approval');
    const first = harness.ledger().find((entry) => entry.target === 'sessions:alice@example.com');
    console.log(
      `okta delivery → answered in ${answeredMs} ms, first containment call after ${(first?.at ?? NaN) - started} ms`,
    );
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['sessions', 'succeeded'],
      ['suspend', 'waiting_approval'],
    ]);
    expect(harness.ledger().some((entry) => entry.action === 'test.destroy' && entry.target.includes('alice'))).toBe(
      false,
    );
    expect(state.requester).toBe('detection:okta');
    expect(state.trigger).toEqual({
      kind: 'detection',
      source: 'okta',
      reference: 'evt-alice-1',
      // Okta's `published`: the time to first containment is counted from it.
      detectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(state.inputs).toEqual({ login: 'alice@example.com', ip: LISTED_IP });
    expect(state.alerts).toEqual([
      expect.objectContaining({
        source: 'okta',
        reference: 'evt-alice-1',
        summary: expect.stringContaining('user.session.start'),
      }),
    ]);
    const approval = state.approvals[0];
    expect(approval?.approvers).toEqual(['olivia', 'oscar']);
    expect(receiver.logs).toContainEqual(
      expect.objectContaining({
        msg: 'run started',
        eventId: 'evt-alice-1',
        eventType: 'user.session.start',
        workflowId,
      }),
    );
    await handle.cancel();
  });

  it('gives one run for 50 deliveries about the same user, with one alert per distinct event id', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan);
    // 35 distinct events; 15 of them delivered a second time (Okta delivers at least once).
    const ids = Array.from({ length: 50 }, (_, index) => `evt-burst-${index < 35 ? index : index - 35}`);
    const responses = await Promise.all(
      ids.map((uuid) => postOkta(receiver, oktaDelivery([oktaEvent({ uuid, login: 'burst@example.com' })]))),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const bodies = await Promise.all(responses.map(deliveryOf));
    const workflowIds = new Set(bodies.flatMap((body) => body.runs.map((run) => run.workflowId)));
    expect([...workflowIds]).toEqual([`cordon/${plan.id}/burst@example.com`]);
    expect(bodies.reduce((sum, body) => sum + body.duplicates, 0)).toBe(15);
    expect(bodies.filter((body) => body.runs[0]?.started === true).length).toBeGreaterThanOrEqual(1);

    const handle = harness.client.workflow.getHandle(`cordon/${plan.id}/burst@example.com`);
    const state = await waitForState(handle, (s) => s.alerts.length === 35 && s.status === 'waiting_approval');
    expect(new Set(state.alerts.map((record) => record.reference)).size).toBe(35);
    expect(await runsOf(harness.client, plan)).toHaveLength(1);
    const marks = harness
      .ledger()
      .filter((entry) => entry.target === 'sessions:burst@example.com' && entry.phase === 'end');
    expect(marks).toHaveLength(1);
    // The alerts stay in the run's history and status after more deliveries.
    expect((await handle.query(statusQuery)).alerts).toHaveLength(35);
    await handle.cancel();
  });

  it('starts two runs for events about two users, even in one delivery', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan);
    const response = await postOkta(
      receiver,
      oktaDelivery([
        oktaEvent({ uuid: 'evt-two-1', login: 'first@example.com' }),
        oktaEvent({ uuid: 'evt-two-2', login: 'second@example.com' }),
        oktaEvent({ uuid: 'evt-two-3', login: 'third@example.com', ip: '198.51.100.1' }),
      ]),
    );
    expect(response.status).toBe(200);
    const body = await deliveryOf(response);
    expect(body).toMatchObject({ received: 3, matched: 2 });
    expect(body.runs.map((run) => run.workflowId).sort()).toEqual([
      `cordon/${plan.id}/first@example.com`,
      `cordon/${plan.id}/second@example.com`,
    ]);
    for (const login of ['first', 'second']) {
      const handle = harness.client.workflow.getHandle(`cordon/${plan.id}/${login}@example.com`);
      await waitForState(handle, (s) => s.status === 'waiting_approval');
      await handle.cancel();
    }
    expect(await runExists(harness.client, `cordon/${plan.id}/third@example.com`)).toBe(false);
    expect(await runsOf(harness.client, plan)).toHaveLength(2);
  });
});

describe('Okta event freshness and replays', () => {
  const minutes = (count: number) => count * 60_000;

  it('refuses an event published longer ago than the window, and starts nothing', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan);
    const published = new Date(Date.now() - minutes(20));
    const response = await postOkta(
      receiver,
      oktaDelivery([oktaEvent({ uuid: 'evt-stale-1', login: 'stale@example.com', published })]),
    );
    expect(response.status).toBe(422);
    const body = await deliveryOf(response);
    expect(body).toMatchObject({ received: 1, matched: 0, runs: [] });
    expect(body.stale).toEqual([
      {
        eventId: 'evt-stale-1',
        published: published.toISOString(),
        reason: expect.stringMatching(/published 1200 s ago, outside the 900 s window/),
      },
    ]);
    expect(receiver.logs).toContainEqual(
      expect.objectContaining({ msg: 'event refused as stale', eventId: 'evt-stale-1' }),
    );
    expect(await runExists(harness.client, `cordon/${plan.id}/stale@example.com`)).toBe(false);
  });

  it('refuses an event published too far in the future, and acts on the fresh events beside it', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan);
    const response = await postOkta(
      receiver,
      oktaDelivery([
        oktaEvent({ uuid: 'evt-future-1', login: 'future@example.com', published: new Date(Date.now() + minutes(10)) }),
        oktaEvent({ uuid: 'evt-fresh-1', login: 'fresh@example.com' }),
      ]),
    );
    expect(response.status).toBe(200);
    const body = await deliveryOf(response);
    expect(body.stale.map((event) => [event.eventId, event.reason])).toEqual([
      ['evt-future-1', expect.stringMatching(/published 600 s from now, beyond the 300 s allowed for clock skew/)],
    ]);
    expect(body.runs.map((run) => run.workflowId)).toEqual([`cordon/${plan.id}/fresh@example.com`]);
    expect(await runExists(harness.client, `cordon/${plan.id}/future@example.com`)).toBe(false);
    await harness.client.workflow.getHandle(`cordon/${plan.id}/fresh@example.com`).cancel();
  });

  it('takes the window from the configuration', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const receiver = await receiverFor(plan, { eventMaxAgeMs: minutes(1) });
    const response = await postOkta(
      receiver,
      oktaDelivery([
        oktaEvent({ uuid: 'evt-window-1', login: 'window@example.com', published: new Date(Date.now() - minutes(2)) }),
      ]),
    );
    expect(response.status).toBe(422);
    expect((await deliveryOf(response)).stale[0]?.reason).toMatch(/outside the 60 s window/);
  });

  it('remembers an accepted event across a restart of the receiver, so replaying it starts nothing', async () => {
    const plan = fixturePlan(harness, 'contain-flagged-account');
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cordon-hooks-state-'));
    const delivery = oktaDelivery([oktaEvent({ uuid: 'evt-replayed-1', login: 'replayed@example.com' })]);
    const workflowId = `cordon/${plan.id}/replayed@example.com`;

    const before = await startReceiver(harness, [plan], { stateDir });
    const first = await deliveryOf(await postOkta(before, delivery));
    expect(first.runs).toEqual([{ eventId: 'evt-replayed-1', playbook: plan.id, workflowId, started: true }]);
    const handle = harness.client.workflow.getHandle(workflowId);
    await waitForState(handle, (s) => s.status === 'waiting_approval');
    // The containment is called off (a false positive, say); a replay must not start it again.
    await handle.cancel();
    await handle.result().catch(() => undefined);
    const { runId } = await handle.describe();
    await before.close();

    const after = await receiverFor(plan, { stateDir });
    const response = await postOkta(after, delivery);
    expect(response.status).toBe(200);
    const replayed = await deliveryOf(response);
    expect(replayed).toMatchObject({ received: 1, duplicates: 1, runs: [] });
    const latest = await harness.client.workflow.getHandle(workflowId).describe();
    expect(latest.runId).toBe(runId);
    expect(latest.status.name).toBe('CANCELLED');
  });
});
