/**
 * `okta.snapshot` through the real Okta SDK against the local Okta: what containment will erase (factors, status) and
 * the user's recent System Log events are kept, for four requests, changing nothing; a part Okta refuses to show is
 * recorded as unavailable instead of failing the step.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { HandlerMap } from '../../activities';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { ActionError } from '../../activities/errors';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaSnapshot } from '../../activities/okta/specs';
import { oktaConfigSchema } from '../../config/okta';
import { DEMO_INDICATORS, startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { recordingContext } from '../../stand-ins/okta/testing';

let okta: OktaStandIn;

function handlersWith(token: string): HandlerMap {
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token } });
  return asHandlerMap(createOktaHandlers(createOktaClient(config)));
}

async function snapshot(input: z.input<typeof oktaSnapshot.input>, token = okta.token) {
  const handler = handlersWith(token)[oktaSnapshot.name];
  if (!handler) throw new Error('no okta.snapshot handler');
  return oktaSnapshot.output.parse(await handler(oktaSnapshot.input.parse(input), recordingContext()));
}

beforeEach(async () => {
  okta = await startOktaStandIn({ seed: 'demo' });
});

afterEach(async () => {
  await okta.close();
});

describe('okta.snapshot', () => {
  it("keeps a phished user's status, groups, factors and sign-ins from the attacker, in four requests, changing nothing", async () => {
    const result = await snapshot({ login: 'alice@example.com' });
    const alice = okta.user('alice@example.com');
    expect(result).toMatchObject({ id: alice?.id, login: 'alice@example.com', status: 'ACTIVE' });
    expect(result.groups.map((group) => group.name).sort()).toEqual(['Engineering', 'Everyone']);
    expect(result.factors.map((factor) => factor.factorType).sort()).toEqual(['sms', 'token:software:totp']);
    // The phone the attacker may have enrolled: what reset_factors deletes.
    expect(result.factors.find((factor) => factor.factorType === 'sms')?.boundTo).toBe('+15555550100');
    expect(result.profile).toMatchObject({ login: 'alice@example.com', email: 'alice@example.com' });
    const signIns = result.systemLog.events.filter((event) => event.eventType === 'user.session.start');
    expect(signIns.map((event) => event.ipAddress)).toEqual([DEMO_INDICATORS.ips[1], DEMO_INDICATORS.ips[0]]);
    expect(signIns[0]?.userAgent).toBe(DEMO_INDICATORS.userAgent);
    // Only alice's events: bob's and carol's sign-ins are not hers.
    expect(result.systemLog.events.every((event) => event.actor === 'alice@example.com')).toBe(true);
    expect(result.systemLog).toMatchObject({ count: 2, truncated: false });
    expect(result.unavailable).toEqual([]);
    expect(okta.requests.map((request) => request.operation).sort()).toEqual(
      ['getUser', 'listFactors', 'listLogEvents', 'listUserGroups'].sort(),
    );
    expect(okta.requests[0]?.operation).toBe('getUser');
    expect(okta.changes).toEqual([]);
  });

  it('lists events where the user is a target (an admin acting on them), newest first, up to maxEvents', async () => {
    const alice = okta.user('alice@example.com');
    if (!alice) throw new Error('no alice');
    const admin = handlersWith(okta.token)['okta.clear_sessions'];
    await admin?.({ userId: alice.id, oauthTokens: false, forgetDevices: false }, recordingContext());
    const result = await snapshot({ userId: alice.id, maxEvents: 2 });
    expect(result.systemLog.events.map((event) => event.eventType)).toEqual([
      'user.session.clear',
      'user.session.start',
    ]);
    expect(result.systemLog.events[0]?.targets).toEqual(['alice@example.com']);
    expect(result.systemLog).toMatchObject({ count: 2, truncated: true });
  });

  it('keeps only events inside the window', async () => {
    const result = await snapshot({ login: 'alice@example.com', since: '30m' });
    expect(result.systemLog.events.map((event) => event.eventType)).toEqual([]);
    expect(Date.parse(result.systemLog.until) - Date.parse(result.systemLog.since)).toBe(30 * 60_000);
  });

  it('records a part Okta refuses to show (no okta.logs.read) as unavailable, and keeps the rest', async () => {
    const reader = okta.addApiToken({ scopes: ['okta.users.read', 'okta.groups.read'] });
    const result = await snapshot({ login: 'alice@example.com' }, reader.token);
    expect(result.factors).toHaveLength(2);
    expect(result.systemLog.events).toEqual([]);
    expect(result.unavailable).toEqual([
      { part: 'systemLog', reason: expect.stringMatching(/^Forbidden: .*listLogEvents.*okta\.logs\.read/) },
    ]);
  });

  it('reads a part again when a read fails in passing, instead of failing the attempt and reading everything again', async () => {
    // Under faults a four-read attempt fails far more often than one read: a failed attempt would hold up the
    // lock-down, which needs the snapshot, and read the other three parts again.
    okta.faults.inject('listLogEvents', { kind: 'disconnect' }, 2);
    okta.faults.inject('listUserGroups', { kind: 'status', status: 503 }, 1);
    const result = await snapshot({ login: 'alice@example.com' });
    expect(result.systemLog.count).toBe(2);
    expect(result.groups).toHaveLength(2);
    expect(result.unavailable).toEqual([]);
    const count = (operation: string) => okta.requests.filter((request) => request.operation === operation).length;
    expect([count('getUser'), count('listFactors'), count('listUserGroups'), count('listLogEvents')]).toEqual([
      1, 1, 2, 3,
    ]);
  });

  it('still fails, for the step to retry, when a part fails on every read of the attempt', async () => {
    okta.faults.inject('listFactors', { kind: 'status', status: 503 }, 3);
    const failure = await snapshot({ login: 'alice@example.com' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      type: 'Unavailable',
      retryable: true,
      message: expect.stringContaining('listFactors'),
    });
    expect(okta.requests.filter((request) => request.operation === 'listFactors')).toHaveLength(3);
  });

  it('fails NotFound, naming the login, for a user Okta does not know', async () => {
    const failure = await snapshot({ login: 'nobody@example.com' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionError);
    expect(failure).toMatchObject({ type: 'NotFound', message: expect.stringContaining('nobody@example.com') });
  });

  it('refuses an input without a user, before any request', () => {
    expect(() => oktaSnapshot.input.parse({})).toThrow(/give login or userId/);
    expect(okta.requests).toEqual([]);
  });
});
