/**
 * End to end with the local Okta: an Okta event hook delivery about a phished user starts a containment playbook whose
 * unattended step (clear sessions) reaches the local Okta through the real SDK before anyone approves the suspension.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaActions } from '../../activities/okta/specs';
import { builtinRegistry } from '../../activities/registry';
import { oktaConfigSchema } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import {
  deliveryOf,
  oktaDelivery,
  oktaEvent,
  postOkta,
  startReceiver,
  type Receiver,
} from '../fixtures/detections/receiver';
import { startHarness, type Harness } from '../support/harness';
import { waitForState } from '../support/wait';

let okta: OktaStandIn;
let harness: Harness;
let receiver: Receiver;
let byLoginReceiver: Receiver;

// Modelled on the account-compromise playbook; self-contained so this test does not follow that file's edits.
const playbook = `
id: okta-contain-on-detection
title: Contain a phished Okta account when a detection says so
inputs:
  login: { type: email }
subject: \${{ inputs.login }}
dedupe: \${{ inputs.login }}
triggers:
  - detection: okta
    when: event.eventType == "user.session.start" && event.client.ipAddress in indicators.ips
    inputs: { login: "\${{ event.actor.alternateId }}" }
steps:
  - id: user
    action: okta.get_user
    with: { login: "\${{ inputs.login }}" }
  - id: sessions
    action: okta.clear_sessions
    needs: [user]
    with: { userId: "\${{ steps.user.output.id }}", oauthTokens: true }
  - id: suspend
    action: okta.suspend_user
    needs: [sessions]
    with: { userId: "\${{ steps.user.output.id }}" }
    approval:
      approvers: { groups: [secops] }
`;

// The same containment keyed by a plain-text login: Okta logins may hold characters (`/`, `'`, …) that a workflow id
// should not, and two such users must never share a run.
const byLoginPlaybook = playbook
  .replace('id: okta-contain-on-detection', 'id: okta-contain-by-login')
  .replace('login: { type: email }', 'login: { type: string }');

beforeAll(async () => {
  okta = await startOktaStandIn();
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } });
  harness = await startHarness({
    // The okta.* specs, unless the built-in registry already has them.
    specs: oktaActions.filter((spec) => builtinRegistry.get(spec.name) === undefined),
    handlers: asHandlerMap(createOktaHandlers(createOktaClient(config))),
    groups: { secops: ['sam'] },
  });
  receiver = await startReceiver(harness, [harness.plan(playbook, 'okta-contain-on-detection.yaml')]);
  byLoginReceiver = await startReceiver(harness, [harness.plan(byLoginPlaybook, 'okta-contain-by-login.yaml')]);
});
afterAll(async () => {
  await receiver?.close();
  await byLoginReceiver?.close();
  await harness?.shutdown();
  await okta?.close();
});

describe('an Okta detection against the local Okta', () => {
  it("clears the phished user's sessions at Okta before any approval, and waits for one to suspend", async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 3, apps: ['0oaslack'] });
    const sent = Date.now();
    const response = await postOkta(
      receiver,
      oktaDelivery([oktaEvent({ uuid: 'okta-e2e-1', login: 'alice@example.com' })]),
    );
    expect(response.status).toBe(200);
    const body = await deliveryOf(response);
    const workflowId = 'cordon/okta-contain-on-detection/alice@example.com';
    expect(body.runs).toEqual([
      { eventId: 'okta-e2e-1', playbook: 'okta-contain-on-detection', workflowId, started: true },
    ]);

    const handle = harness.client.workflow.getHandle(workflowId);
    const state = await waitForState(handle, (s) => s.status === 'waiting_approval');
    const cleared = okta.changesOf('revokeUserSessions', alice.id);
    expect(cleared).toHaveLength(1);
    console.log(`okta hook → first state change at the local Okta: ${Date.parse(cleared[0]?.at ?? '') - sent} ms`);
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
    expect(okta.user(alice.id)?.status).toBe('ACTIVE');
    expect(okta.changesOf('suspendUser')).toHaveLength(0);
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['user', 'succeeded'],
      ['sessions', 'succeeded'],
      ['suspend', 'waiting_approval'],
    ]);
    expect(state.requester).toBe('detection:okta');
    await handle.cancel();
  });

  it('contains two users whose logins differ only in a character a workflow id cannot hold, in two runs', async () => {
    const slashed = okta.addUser({ login: 'a/b@x.com', sessions: 2 });
    const underscored = okta.addUser({ login: 'a_b@x.com', sessions: 2 });
    const responses = [
      await postOkta(byLoginReceiver, oktaDelivery([oktaEvent({ uuid: 'okta-pair-1', login: 'a/b@x.com' })])),
      await postOkta(byLoginReceiver, oktaDelivery([oktaEvent({ uuid: 'okta-pair-2', login: 'a_b@x.com' })])),
    ];
    const bodies = await Promise.all(responses.map(deliveryOf));
    const runs = bodies.flatMap((body) => body.runs);
    expect(runs.map((run) => run.started)).toEqual([true, true]);
    const [first, second] = runs.map((run) => run.workflowId);
    expect(first).not.toBe(second);

    for (const [workflowId, login] of [
      [first, 'a/b@x.com'],
      [second, 'a_b@x.com'],
    ] as const) {
      const handle = harness.client.workflow.getHandle(workflowId ?? '');
      const state = await waitForState(handle, (s) => s.status === 'waiting_approval');
      expect(state.inputs).toEqual({ login });
      await handle.cancel();
    }
    for (const user of [slashed, underscored]) {
      expect(okta.changesOf('revokeUserSessions', user.id)).toHaveLength(1);
      expect(okta.state.sessionsOf(user.id)).toHaveLength(0);
    }
  });
});
