/**
 * Each `okta.*` action through the real Okta SDK against the local Okta: the effect, the read-back, idempotency
 * (`changed: false` for a user already in the target state) and the change log (each write exactly once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HandlerMap } from '../../activities';
import type { ActionSpec } from '../../activities/action';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaEffects, createOktaHandlers } from '../../activities/okta/handlers';
import { createEffectServices, type DescribeEffectsInput } from '../../activities/effect-services';
import { builtinRegistry } from '../../activities/registry';
import {
  oktaAddToGroup,
  oktaBlockIps,
  oktaClearSessions,
  oktaDeactivateUser,
  oktaExpirePassword,
  oktaGetUser,
  oktaRemoveFromGroup,
  oktaResetFactors,
  oktaResetPassword,
  oktaRevokeGrants,
  oktaSearchLogs,
  oktaSnapshot,
  oktaSuspendUser,
  oktaUnblockIps,
  oktaUnsuspendUser,
} from '../../activities/okta/specs';
import { oktaConfigSchema } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn, type UserSeed } from '../../stand-ins/okta';
import { recordingContext, type RecordingContext } from '../../stand-ins/okta/testing';

let okta: OktaStandIn;
let oktaClient: ReturnType<typeof createOktaClient>;
let handlers: HandlerMap;
let context: RecordingContext;

/** Runs an action as the activity boundary would: input and output through the spec's schemas. */
async function run<Spec extends ActionSpec>(
  spec: Spec,
  input: z.input<Spec['input']>,
  within: RecordingContext = context,
): Promise<z.output<Spec['output']>> {
  const handler = handlers[spec.name];
  if (!handler) throw new Error(`no handler ${spec.name}`);
  return z.parse<Spec['output']>(spec.output, await handler(spec.input.parse(input), within));
}

beforeEach(async () => {
  okta = await startOktaStandIn();
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } });
  oktaClient = createOktaClient(config);
  handlers = asHandlerMap(createOktaHandlers(oktaClient));
  context = recordingContext();
});

afterEach(async () => {
  await okta.close();
});

describe('okta.get_user', () => {
  it('finds a user by login, id or short name and returns id, login, status and groups', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', groups: ['Engineering'] });
    for (const login of ['alice@example.com', alice.id, 'alice']) {
      const user = await run(oktaGetUser, { login });
      expect(user).toMatchObject({ id: alice.id, login: 'alice@example.com', status: 'ACTIVE' });
      expect(user.groups.map((group) => group.name)).toEqual(['Engineering']);
    }
    expect(await run(oktaGetUser, { userId: alice.id })).toMatchObject({ id: alice.id });
  });
});

describe('okta.suspend_user and okta.unsuspend_user', () => {
  it('suspends an active user with one write, read back after Okta answers 200, and writes exactly once', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const result = await run(oktaSuspendUser, { userId: alice.id });
    expect(result).toMatchObject({ userId: alice.id, previousStatus: 'ACTIVE', status: 'SUSPENDED', changed: true });
    expect(result.verification).toEqual({ readBack: true, detail: 'read back: status is SUSPENDED' });
    // The read comes after the write: an Okta that answers 200 without suspending must not go unnoticed (issue 15).
    expect(okta.requests.map((request) => request.operation)).toEqual(['suspendUser', 'getUser']);
    expect(okta.user(alice.id)?.status).toBe('SUSPENDED');
    expect(okta.changesOf('suspendUser', alice.id)).toHaveLength(1);
  });

  it('reads a user given by login once, to learn the id, before suspending', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const result = await run(oktaSuspendUser, { userId: 'alice@example.com' });
    expect(result).toMatchObject({ userId: alice.id, login: 'alice@example.com', status: 'SUSPENDED', changed: true });
    expect(okta.requests.map((request) => request.operation)).toEqual(['getUser', 'suspendUser', 'getUser']);
  });

  it('succeeds with changed: false on a user who is already suspended, changing nothing', async () => {
    const dave = okta.addUser({ login: 'dave@example.com', status: 'SUSPENDED' });
    const result = await run(oktaSuspendUser, { userId: dave.id });
    expect(result).toMatchObject({ previousStatus: 'SUSPENDED', status: 'SUSPENDED', changed: false });
    // The write comes first (an active user, the usual case, needs no read); Okta refuses it, and a read says why.
    expect(okta.requests.map((request) => [request.operation, request.status])).toEqual([
      ['suspendUser', 400],
      ['getUser', 200],
    ]);
    expect(okta.changes).toHaveLength(0);
  });

  it('unsuspends a suspended user, and does nothing when the undone step changed nothing', async () => {
    const dave = okta.addUser({ login: 'dave@example.com', status: 'SUSPENDED' });
    expect(await run(oktaUnsuspendUser, { userId: dave.id, onlyIf: false })).toMatchObject({ changed: false });
    expect(okta.user(dave.id)?.status).toBe('SUSPENDED');
    expect(await run(oktaUnsuspendUser, { userId: dave.id })).toMatchObject({ status: 'ACTIVE', changed: true });
    expect(await run(oktaUnsuspendUser, { userId: dave.id })).toMatchObject({ status: 'ACTIVE', changed: false });
    expect(okta.changesOf('unsuspendUser', dave.id)).toHaveLength(1);
  });
});

describe('okta.deactivate_user', () => {
  it('deprovisions the user once and ends their sessions', async () => {
    const carol = okta.addUser({ login: 'carol@example.com', sessions: 2 });
    expect(await run(oktaDeactivateUser, { userId: carol.id })).toMatchObject({
      status: 'DEPROVISIONED',
      changed: true,
    });
    expect(await run(oktaDeactivateUser, { userId: carol.id })).toMatchObject({ changed: false });
    expect(okta.state.sessionsOf(carol.id)).toHaveLength(0);
    expect(okta.changesOf('deactivateUser')).toHaveLength(1);
  });
});

describe('okta.clear_sessions and okta.revoke_grants', () => {
  it('revokes every session and, with oauthTokens, every token in one request whose 204 is the proof', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 3, apps: ['0oaslack', '0oagithub'] });
    const result = await run(oktaClearSessions, { userId: alice.id, oauthTokens: true });
    expect(result).toMatchObject({ changed: null, refreshTokensRevoked: null });
    expect(result.verification).toMatchObject({ readBack: false, detail: expect.stringContaining('OAuth tokens') });
    expect(okta.requests.map((request) => request.operation)).toEqual(['revokeUserSessions']);
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
    expect(okta.state.refreshTokensOf(alice.id)).toHaveLength(0);
  });

  it('says that sessions alone cannot be read back instead of claiming a verified effect', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 1 });
    const result = await run(oktaClearSessions, { userId: alice.id });
    expect(result).toMatchObject({ changed: null, refreshTokensRevoked: null });
    expect(result.verification.readBack).toBe(false);
    expect(result.verification.detail).toMatch(/no API that lists a user's sessions/);
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
  });

  it('on a retry, does not revoke again what an earlier attempt revoked: the System Log shows it', async () => {
    // Found by the fault campaign (issue 15): a worker killed after Okta revoked, before the step was recorded, made
    // the retry revoke (and log) a second time.
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 2 });
    const scheduledAt = new Date(Date.now() - 1_000).toISOString();
    context = recordingContext({ attempt: 1, scheduledAt });
    await run(oktaClearSessions, { userId: alice.id, oauthTokens: true });
    context = recordingContext({ attempt: 2, scheduledAt });
    const retry = await run(oktaClearSessions, { userId: alice.id, oauthTokens: true });
    expect(retry.verification).toMatchObject({ readBack: true, detail: expect.stringMatching(/earlier attempt/) });
    expect(okta.changesOf('revokeUserSessions', alice.id)).toHaveLength(1);
  });

  it('on a retry with no revocation in the System Log since the step began, revokes', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 2 });
    context = recordingContext({ attempt: 1 });
    await run(oktaClearSessions, { userId: alice.id });
    // An older revocation (before this step was scheduled) is not this step's.
    await new Promise((resolve) => setTimeout(resolve, 20));
    context = recordingContext({ attempt: 2, scheduledAt: new Date().toISOString() });
    const retry = await run(oktaClearSessions, { userId: alice.id });
    expect(retry.verification.readBack).toBe(false);
    expect(okta.changesOf('revokeUserSessions', alice.id)).toHaveLength(2);
  });

  it('revokes every grant and refresh token, naming the apps, and changes nothing the second time', async () => {
    const bob = okta.addUser({ login: 'bob@example.com', apps: ['0oaslack', '0oagithub'] });
    const first = await run(oktaRevokeGrants, { userId: bob.id });
    expect(first).toMatchObject({ grantsRevoked: 2, refreshTokensRevoked: null, changed: true });
    expect(okta.state.refreshTokensOf(bob.id)).toHaveLength(0);
    expect(first.clients.sort()).toEqual(['0oagithub', '0oaslack']);
    expect(await run(oktaRevokeGrants, { userId: bob.id })).toMatchObject({ changed: false, grantsRevoked: 0 });
    expect(okta.state.grantsOf(bob.id)).toHaveLength(0);
    expect(okta.changesOf('revokeUserGrants', bob.id)).toHaveLength(1);
    expect(okta.changesOf('revokeTokensForUserAndClient')).toHaveLength(2);
  });

  it('with refreshTokens: false revokes the grants alone, listing them once', async () => {
    const bob = okta.addUser({ login: 'bob@example.com', apps: ['0oaslack'] });
    expect(await run(oktaRevokeGrants, { userId: bob.id, refreshTokens: false })).toMatchObject({
      grantsRevoked: 1,
      clients: ['0oaslack'],
      changed: true,
    });
    expect(okta.requests.map((request) => request.operation)).toEqual(['listUserGrants', 'revokeUserGrants']);
    expect(okta.state.grantsOf(bob.id)).toHaveLength(0);
    expect(okta.state.refreshTokensOf(bob.id)).toHaveLength(1);
  });
});

describe('okta.reset_factors', () => {
  it('resets every enrolled factor once, and a user without factors gives changed: false', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['token:software:totp', 'sms'] });
    const result = await run(oktaResetFactors, { userId: alice.id });
    expect(result.factorsReset?.map((factor) => factor.factorType).sort()).toEqual(['sms', 'token:software:totp']);
    expect(result.changed).toBe(true);
    expect(await run(oktaResetFactors, { userId: alice.id })).toMatchObject({ changed: false, factorsReset: [] });
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
    expect(okta.changesOf('resetFactors', alice.id)).toHaveLength(1);
  });

  it('given the factors a snapshot listed, resets without listing them again and still reads back', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['token:software:totp', 'sms'] });
    const snapshot = await run(oktaSnapshot, { userId: alice.id });
    // The attacker enrols another factor while the approval waits: the reset must take it too.
    okta.state.factors.set('mfalate', {
      id: 'mfalate',
      userId: alice.id,
      factorType: 'push',
      provider: 'OKTA',
      status: 'ACTIVE',
      created: new Date().toISOString(),
      lastUpdated: new Date().toISOString(),
    });
    okta.requests.length = 0;
    const result = await run(oktaResetFactors, { userId: alice.id, factors: snapshot.factors });
    expect(okta.requests.map((request) => request.operation)).toEqual(['resetFactors', 'listFactors']);
    expect(result.factorsReset?.map((factor) => factor.factorType).sort()).toEqual(['sms', 'token:software:totp']);
    expect(result).toMatchObject({ changed: true, verification: { readBack: true } });
    expect(result.verification.detail).toContain('listed before');
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
    expect(okta.changesOf('resetFactors', alice.id)).toHaveLength(1);
  });

  it('on a retry, lists afresh instead of trusting the given factors, and does not reset twice', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['sms'] });
    const snapshot = await run(oktaSnapshot, { userId: alice.id });
    await run(oktaResetFactors, { userId: alice.id, factors: snapshot.factors });
    // The first attempt's answer was lost after Okta applied it: the retry finds nothing left to reset.
    context = recordingContext({ attempt: 2 });
    okta.requests.length = 0;
    const retried = await run(oktaResetFactors, { userId: alice.id, factors: snapshot.factors });
    expect(retried).toMatchObject({ changed: false, factorsReset: [] });
    expect(okta.requests.map((request) => request.operation)).toEqual(['listFactors']);
    expect(okta.changesOf('resetFactors', alice.id)).toHaveLength(1);
  });

  it('with listFirst: false, sends the reset without listing first and still reads back', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['token:software:totp', 'sms'] });
    okta.requests.length = 0;
    const result = await run(oktaResetFactors, { userId: alice.id, listFirst: false });
    expect(okta.requests.map((request) => request.operation)).toEqual(['resetFactors', 'listFactors']);
    expect(result).toMatchObject({ changed: true, verification: { readBack: true } });
    expect(result.factorsReset).toBeUndefined();
    expect(result.verification.detail).toContain('not listed first');
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
    expect(okta.changesOf('resetFactors', alice.id)).toHaveLength(1);
  });

  it('with listFirst: false, a retry lists first all the same and does not reset twice', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['sms'] });
    await run(oktaResetFactors, { userId: alice.id, listFirst: false });
    context = recordingContext({ attempt: 2 });
    okta.requests.length = 0;
    expect(await run(oktaResetFactors, { userId: alice.id, listFirst: false })).toMatchObject({
      changed: false,
      factorsReset: [],
    });
    expect(okta.requests.map((request) => request.operation)).toEqual(['listFactors']);
    expect(okta.changesOf('resetFactors', alice.id)).toHaveLength(1);
  });

  it('with listFirst: false, a reset Okta accepts without applying fails the step', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['sms'] });
    okta.faults.inject('resetFactors', { kind: 'ignore' });
    await expect(run(oktaResetFactors, { userId: alice.id, listFirst: false })).rejects.toThrow(/enrolled factor/);
    expect(okta.state.factorsOf(alice.id)).toHaveLength(1);
  });

  it('given a listing without enrolled factors, lists afresh before deciding there is nothing to reset', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['sms'] });
    okta.requests.length = 0;
    const result = await run(oktaResetFactors, { userId: alice.id, factors: [] });
    expect(okta.requests.map((request) => request.operation)).toEqual(['listFactors', 'resetFactors', 'listFactors']);
    expect(result.factorsReset?.map((factor) => factor.factorType)).toEqual(['sms']);
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
  });
});

describe('okta.reset_password and okta.expire_password', () => {
  it('puts the user in RECOVERY with a link e-mailed by Okta, and a retry sends no second link', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 1 });
    const phished = alice.password;
    const result = await run(oktaResetPassword, { userId: alice.id });
    expect(result).toMatchObject({ status: 'RECOVERY', changed: true, resetLink: 'email' });
    expect(await run(oktaResetPassword, { userId: alice.id })).toMatchObject({ changed: false, resetLink: 'none' });
    expect(okta.state.outbox.filter((message) => message.kind === 'reset_password')).toHaveLength(1);
    expect(okta.user(alice.id)?.password).not.toBe(phished);
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
  });

  it('withholds a reset link that Okta returns instead of e-mailing', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const result = await run(oktaResetPassword, { userId: alice.id, sendEmail: false });
    expect(result.resetLink).toBe('withheld');
    const link = okta.state.resetLinks.get(alice.id) ?? 'missing';
    expect(JSON.stringify(result)).not.toContain(link);
    expect(context.lines.join('\n')).not.toContain(link);
  });

  it('replaces the phished password with a temporary one that appears nowhere in the output or the logs', async () => {
    const bob = okta.addUser({ login: 'bob@example.com', sessions: 2 });
    const phished = bob.password;
    const result = await run(oktaExpirePassword, { userId: bob.id, temporaryPassword: true, revokeSessions: true });
    const temporary = okta.state.temporaryPasswords.get(bob.id);
    expect(temporary).toBeDefined();
    expect(okta.user(bob.id)?.password).toBe(temporary);
    expect(okta.user(bob.id)?.password).not.toBe(phished);
    expect(result).toMatchObject({
      status: 'PASSWORD_EXPIRED',
      temporaryPasswordIssued: true,
      temporaryPassword: 'discarded',
    });
    const everything = [JSON.stringify(result), ...context.lines, JSON.stringify(context.heartbeats)].join('\n');
    expect(everything).not.toContain(temporary);
    expect(okta.changesOf('expirePasswordAndGetTemporaryPassword', bob.id)).toHaveLength(1);
    expect(okta.state.sessionsOf(bob.id)).toHaveLength(0);
  });

  it('expires a password once without a temporary password, then reports changed: false', async () => {
    const bob = okta.addUser({ login: 'bob@example.com' });
    expect(await run(oktaExpirePassword, { userId: bob.id })).toMatchObject({
      status: 'PASSWORD_EXPIRED',
      changed: true,
      temporaryPasswordIssued: false,
      temporaryPassword: 'none',
    });
    expect(await run(oktaExpirePassword, { userId: bob.id })).toMatchObject({ changed: false });
    expect(okta.changesOf('expirePassword', bob.id)).toHaveLength(1);
  });
});

describe('okta.add_to_group and okta.remove_from_group', () => {
  it('adds a user to a group found by name once, and the undo removes them again', async () => {
    const bob = okta.addUser({ login: 'bob@example.com' });
    const quarantine = okta.addGroup('Quarantine');
    const added = await run(oktaAddToGroup, { userId: bob.id, group: 'Quarantine' });
    expect(added).toMatchObject({ groupId: quarantine.id, groupName: 'Quarantine', changed: true });
    expect(await run(oktaAddToGroup, { userId: bob.id, group: quarantine.id })).toMatchObject({ changed: false });
    expect(quarantine.members.has(bob.id)).toBe(true);
    const removed = await run(oktaRemoveFromGroup, {
      userId: added.userId,
      group: added.groupId,
      onlyIf: added.changed,
    });
    expect(removed).toMatchObject({ changed: true });
    expect(quarantine.members.has(bob.id)).toBe(false);
    expect(okta.changesOf('assignUserToGroup')).toHaveLength(1);
    expect(okta.changesOf('unassignUserFromGroup')).toHaveLength(1);
  });

  it('fails with NotFound naming a group that does not exist', async () => {
    const bob = okta.addUser({ login: 'bob@example.com' });
    await expect(run(oktaAddToGroup, { userId: bob.id, group: 'Quarantine' })).rejects.toMatchObject({
      type: 'NotFound',
      message: expect.stringContaining('Quarantine'),
    });
  });
});

describe('okta.search_logs', () => {
  it('finds every user who signed in from the attacker addresses or user agent, across pages', async () => {
    for (const login of ['alice@example.com', 'bob@example.com', 'carol@example.com', 'erin@example.com']) {
      okta.addUser({ login });
    }
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    okta.addSignIn({ login: 'alice@example.com', ipAddress: '203.0.113.7', published: minutesAgo(50) });
    okta.addSignIn({ login: 'alice@example.com', ipAddress: '203.0.113.9', published: minutesAgo(40) });
    okta.addSignIn({ login: 'bob@example.com', ipAddress: '203.0.113.9', published: minutesAgo(30) });
    okta.addSignIn({ login: 'carol@example.com', ipAddress: '192.0.2.44', published: minutesAgo(20) });
    okta.addSignIn({
      login: 'erin@example.com',
      ipAddress: '192.0.2.80',
      userAgent: 'python-requests/2.31',
      published: minutesAgo(10),
    });
    // Outside the window: not a match however it looks.
    okta.addSignIn({ login: 'carol@example.com', ipAddress: '203.0.113.7', published: minutesAgo(60 * 48) });

    const byIp = await run(oktaSearchLogs, { ips: ['203.0.113.0/24'], pageSize: 1 });
    expect(byIp.logins).toEqual(['alice@example.com', 'bob@example.com']);
    expect(byIp.count).toBe(3);
    expect(byIp.users.find((user) => user.login === 'alice@example.com')?.ips).toEqual(['203.0.113.7', '203.0.113.9']);
    expect(okta.requestsOf('listLogEvents').length).toBeGreaterThanOrEqual(3);

    const either = await run(oktaSearchLogs, { ips: ['203.0.113.9'], since: '2h' });
    expect(either.logins).toEqual(['alice@example.com', 'bob@example.com']);
    const byAgent = await run(oktaSearchLogs, { userAgents: ['python-requests'] });
    expect(byAgent.logins).toEqual(['erin@example.com']);
    // A /28 is not a whole number of octets: Okta narrows by prefix, the action matches exactly.
    const narrow = await run(oktaSearchLogs, { ips: ['203.0.113.8/30'] });
    expect(narrow.logins).toEqual(['alice@example.com', 'bob@example.com']);
    expect(narrow.count).toBe(2);
  });

  it('stops at maxEvents and says the result is truncated', async () => {
    okta.addUser({ login: 'alice@example.com' });
    const published = new Date(Date.now() - 60_000).toISOString();
    for (let index = 0; index < 5; index += 1) {
      okta.addSignIn({ login: 'alice@example.com', ipAddress: '203.0.113.7', published });
    }
    const result = await run(oktaSearchLogs, { ips: ['203.0.113.7'], maxEvents: 3, pageSize: 2 });
    expect(result).toMatchObject({ count: 3, truncated: true });
  });
});

describe('okta.block_ips and okta.unblock_ips', () => {
  it('merges new addresses into the blocklist, keeps existing entries, and skips covered ones', async () => {
    const zone = okta.addZone({
      name: 'BlockedIpZone',
      system: true,
      gateways: ['198.51.100.0/24', '192.0.2.1-192.0.2.9'],
    });
    const result = await run(oktaBlockIps, { cidrs: ['203.0.113.7', '198.51.100.5', '192.0.2.4', '2001:db8::1'] });
    expect(result).toMatchObject({ zoneId: zone.id, changed: true, limit: 5000, entries: 4 });
    expect(result.added).toEqual(['203.0.113.7/32', '2001:db8::1/128']);
    expect(result.alreadyPresent).toEqual(['198.51.100.5/32', '192.0.2.4/32']);
    expect(zone.gateways.map((gateway) => gateway.value)).toEqual([
      '198.51.100.0/24',
      '192.0.2.1-192.0.2.9',
      '203.0.113.7/32',
      '2001:db8::1/128',
    ]);
    const again = await run(oktaBlockIps, { zone: zone.id, cidrs: ['203.0.113.7/32'] });
    expect(again).toMatchObject({ changed: false, added: [] });
    expect(okta.changesOf('replaceNetworkZone', zone.id)).toHaveLength(1);
  });

  it('keeps both merges when two runs block into one zone at the same time', async () => {
    const zone = okta.addZone({ name: 'BlockedIpZone', gateways: ['198.51.100.0/24'] });
    await Promise.all([
      run(oktaBlockIps, { cidrs: ['203.0.113.7'] }),
      run(oktaBlockIps, { cidrs: ['203.0.113.9'] }),
      run(oktaBlockIps, { cidrs: ['192.0.2.0/28'] }),
    ]);
    expect(zone.gateways.map((gateway) => gateway.value).sort()).toEqual([
      '192.0.2.0/28',
      '198.51.100.0/24',
      '203.0.113.7/32',
      '203.0.113.9/32',
    ]);
  });

  it('refuses a merge past the zone limit before writing anything', async () => {
    const gateways = Array.from({ length: 999 }, (_, index) => `10.${Math.floor(index / 250)}.${index % 250}.0/24`);
    okta.addZone({ name: 'Attackers', gateways });
    await expect(run(oktaBlockIps, { zone: 'Attackers', cidrs: ['203.0.113.7', '203.0.113.8'] })).rejects.toMatchObject(
      {
        type: 'LimitExceeded',
        retryable: false,
        message: expect.stringMatching(/holds 999 entries; adding 2 would pass Okta's limit of 1000/),
      },
    );
    expect(okta.changes).toHaveLength(0);
    expect(await run(oktaBlockIps, { zone: 'Attackers', cidrs: ['203.0.113.7'] })).toMatchObject({ entries: 1000 });
  });

  it('refuses a zone that is not an IP blocklist', async () => {
    okta.addZone({ name: 'Corporate VPN', usage: 'POLICY', gateways: ['192.0.2.0/24'] });
    await expect(run(oktaBlockIps, { zone: 'Corporate VPN', cidrs: ['203.0.113.7'] })).rejects.toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('not an IP blocklist'),
    });
  });

  it('removes exactly the entries block_ips added, as its undo does', async () => {
    const zone = okta.addZone({ name: 'BlockedIpZone', gateways: ['198.51.100.0/24'] });
    const blocked = await run(oktaBlockIps, { cidrs: ['203.0.113.7', '203.0.113.9'] });
    const undone = await run(oktaUnblockIps, { zone: blocked.zoneId, cidrs: blocked.added });
    expect(undone).toMatchObject({ changed: true, removed: ['203.0.113.7/32', '203.0.113.9/32'], entries: 1 });
    expect(zone.gateways.map((gateway) => gateway.value)).toEqual(['198.51.100.0/24']);
    expect(await run(oktaUnblockIps, { zone: zone.id, cidrs: [] })).toMatchObject({ changed: false });
  });
});

describe('a whole containment', () => {
  it('records each state change exactly once when every step runs twice', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', sessions: 2, factors: ['sms'], apps: ['0oaslack'] });
    okta.addGroup('Quarantine');
    okta.addZone({ name: 'BlockedIpZone', system: true, gateways: ['198.51.100.0/24'] });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await run(oktaRevokeGrants, { userId: alice.id });
      await run(oktaSuspendUser, { userId: alice.id });
      await run(oktaResetFactors, { userId: alice.id });
      await run(oktaAddToGroup, { userId: alice.id, group: 'Quarantine' });
      await run(oktaBlockIps, { cidrs: ['203.0.113.7'] });
    }
    const kinds = okta.changes.map((change) => change.kind).sort();
    expect(kinds).toEqual([
      'assignUserToGroup',
      'replaceNetworkZone',
      'resetFactors',
      'revokeTokensForUserAndClient',
      'revokeUserGrants',
      'suspendUser',
    ]);
  });
});

describe('requests per account', () => {
  const PHISHED_ACCOUNT: UserSeed = {
    login: 'alice@example.com',
    sessions: 2,
    factors: ['sms', 'token:software:totp'],
    apps: ['0oaslack', '0oagithub'],
    groups: ['Engineering'],
  };

  it('the okta-account-compromise steps of one account make at most 10 requests at the local Okta', async () => {
    const alice = okta.addUser(PHISHED_ACCOUNT);
    const user = await run(oktaGetUser, { login: 'alice@example.com' });
    // The steps after the look-up, as the playbook runs them: sessions and grants at once, then factors, then suspend.
    await Promise.all([
      run(oktaClearSessions, { userId: user.id, oauthTokens: true }),
      run(oktaRevokeGrants, { userId: user.id, refreshTokens: false }),
    ]);
    await run(oktaResetFactors, { userId: user.id });
    await run(oktaSuspendUser, { userId: user.id });
    // 8 to contain, and 2 reads after the lock-down writes: their effect is read back (issue 15).
    expect(okta.requests.map((request) => request.operation)).toHaveLength(10);
    expect(okta.user(alice.id)?.status).toBe('SUSPENDED');
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
    expect(okta.state.refreshTokensOf(alice.id)).toHaveLength(0);
    expect(okta.state.grantsOf(alice.id)).toHaveLength(0);
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
    for (const kind of ['revokeUserSessions', 'revokeUserGrants', 'resetFactors', 'suspendUser']) {
      expect(okta.changesOf(kind, alice.id), kind).toHaveLength(1);
    }
  });

  it('with the snapshot first, the factor reset reuses its listing: 11 requests', async () => {
    const alice = okta.addUser(PHISHED_ACCOUNT);
    const user = await run(oktaSnapshot, { login: 'alice@example.com' });
    await Promise.all([
      run(oktaClearSessions, { userId: user.id, oauthTokens: true }),
      run(oktaRevokeGrants, { userId: user.id, refreshTokens: false }),
      run(oktaResetFactors, { userId: user.id, factors: user.factors }),
    ]);
    await run(oktaSuspendUser, { userId: user.id });
    const operations = okta.requests.map((request) => request.operation);
    // 4 for the evidence and the look-up, 4 writes, the grants listed for the record, and 2 read-backs.
    expect(operations.filter((operation) => operation === 'listFactors')).toHaveLength(2);
    expect(operations).toHaveLength(11);
    expect(okta.state.factorsOf(alice.id)).toHaveLength(0);
    expect(okta.user(alice.id)?.status).toBe('SUSPENDED');
  });

  it('the revocations sent beside the snapshot share its look-up of the login: one getUser, 11 requests', async () => {
    const alice = okta.addUser(PHISHED_ACCOUNT);
    // As the shipped playbook runs them: the snapshot and the two revocations at once, each given the login.
    const [user, sessions, grants] = await Promise.all([
      run(oktaSnapshot, { login: 'alice@example.com' }),
      run(oktaClearSessions, { userId: 'alice@example.com', oauthTokens: true }),
      run(oktaRevokeGrants, { userId: 'alice@example.com', refreshTokens: false }),
    ]);
    expect([sessions.userId, grants.userId]).toEqual([alice.id, alice.id]);
    await run(oktaResetFactors, { userId: user.id, factors: user.factors });
    await run(oktaSuspendUser, { userId: user.id });
    const operations = okta.requests.map((request) => request.operation);
    expect(operations.filter((operation) => operation === 'getUser')).toHaveLength(2); // the look-up, the read-back
    expect(operations).toHaveLength(11);
    // The one look-up came first; the other getUser is the suspension's read-back, after every write.
    expect(operations[0]).toBe('getUser');
    expect(operations.lastIndexOf('getUser')).toBe(operations.length - 1);
    expect(okta.state.sessionsOf(alice.id)).toHaveLength(0);
    expect(okta.user(alice.id)?.status).toBe('SUSPENDED');
  });

  it('a look-up of the login that fails fails every step that shares it, and the next look-up asks Okta again', async () => {
    const alice = okta.addUser(PHISHED_ACCOUNT);
    okta.faults.inject('getUser', { kind: 'status', status: 500 });
    const results = await Promise.allSettled([
      run(oktaSnapshot, { login: 'alice@example.com' }),
      run(oktaClearSessions, { userId: 'alice@example.com', oauthTokens: true }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(okta.changesOf('revokeUserSessions', alice.id)).toHaveLength(0);
    expect((await run(oktaClearSessions, { userId: 'alice@example.com', oauthTokens: true })).userId).toBe(alice.id);
    expect(okta.requests.filter((request) => request.operation === 'getUser')).toHaveLength(2);
  });

  it("a step waiting on another step's look-up heartbeats while Okta rate-limits it", async () => {
    okta.addUser(PHISHED_ACCOUNT);
    okta.faults.inject('getUser', { kind: 'rateLimit', resetInMs: 6_000 });
    const joiner = recordingContext();
    await Promise.all([
      run(oktaSnapshot, { login: 'alice@example.com' }),
      run(oktaClearSessions, { userId: 'alice@example.com', oauthTokens: true }, joiner),
    ]);
    expect(joiner.heartbeats).toContainEqual({ sharedLookUp: 'alice@example.com' });
  }, 20_000);

  it('a step whose shared look-up was sent by a step since cancelled looks up on its own', async () => {
    const alice = okta.addUser(PHISHED_ACCOUNT);
    okta.faults.inject('getUser', { kind: 'delay', ms: 300 });
    const cancel = new AbortController();
    const sender = run(oktaSnapshot, { login: 'alice@example.com' }, recordingContext({ signal: cancel.signal }));
    const joiner = run(oktaClearSessions, { userId: 'alice@example.com', oauthTokens: true }, recordingContext());
    setTimeout(() => cancel.abort(), 50);
    await expect(sender).rejects.toThrow();
    expect((await joiner).userId).toBe(alice.id);
    expect(okta.changesOf('revokeUserSessions', alice.id)).toHaveLength(1);
  });
});

describe('the effect description an approval shows', () => {
  it('reads each account once for a gated step and the step its decision covers (the campaign: suspend, MFA reset)', async () => {
    const users = ['ann', 'ben', 'cal'].map((name) => okta.addUser({ login: `${name}@example.com`, factors: ['sms'] }));
    const services = createEffectServices(builtinRegistry, createOktaEffects(oktaClient));
    const describe = (input: DescribeEffectsInput) => services['cordon.describe_effects'](input);
    const inputs = users.map((user) => ({ userId: user.id }));
    const effects = await describe({
      steps: [
        { stepId: 'suspend', action: 'okta.suspend_user', inputs },
        { stepId: 'factors', action: 'okta.reset_factors', inputs },
      ],
    });
    expect(effects.map((effect) => effect.changes.length)).toEqual([3, 3]);
    const userReads = () => okta.requests.filter((request) => ['getUser', 'listUsers'].includes(request.operation));
    expect(userReads().map((request) => request.operation)).toEqual(['listUsers']);
    // A later description reads afresh: nothing is kept beyond the one that read it.
    await describe({ steps: [{ stepId: 'suspend', action: 'okta.suspend_user', inputs }] });
    expect(userReads().map((request) => request.operation)).toEqual(['listUsers', 'listUsers']);
  });

  it('reads many accounts named by id in a few filtered listings, not one request each, and says the same', async () => {
    const users = Array.from({ length: 45 }, (_, index) => okta.addUser({ login: `user${index}@example.com` }));
    const suspended = users[7];
    const gone = users[8];
    if (!suspended || !gone) throw new Error('no users');
    okta.state.users.get(suspended.id)!.status = 'SUSPENDED';
    okta.state.users.get(gone.id)!.status = 'DEPROVISIONED';
    const services = createEffectServices(builtinRegistry, createOktaEffects(oktaClient));
    const inputs = [...users.map((user) => ({ userId: user.id })), { userId: 'user1@example.com' }];
    const [effect] = await services['cordon.describe_effects']({
      steps: [{ stepId: 'suspend', action: 'okta.suspend_user', inputs }],
    });
    const operations = okta.requests.map((request) => request.operation);
    // 45 ids in listings of 20 at most; the login is looked up on its own.
    expect(operations.filter((operation) => operation === 'listUsers')).toHaveLength(3);
    expect(operations.filter((operation) => operation === 'getUser')).toHaveLength(1);
    expect(effect?.changes).toHaveLength(43);
    expect(effect?.summary).toContain(`already SUSPENDED: ${suspended.profile.login}`);
    expect(effect?.summary).toContain(`Okta would refuse: ${gone.profile.login} (DEPROVISIONED)`);
  });

  it('an id no listing returns is looked up on its own, and its 404 names it', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const services = createEffectServices(builtinRegistry, createOktaEffects(oktaClient));
    const missing = '00u0000000000000000x';
    const [effect] = await services['cordon.describe_effects']({
      steps: [{ stepId: 'suspend', action: 'okta.suspend_user', inputs: [{ userId: alice.id }, { userId: missing }] }],
    });
    expect(effect?.summary).toMatch(/^effect unknown: .*00u0000000000000000x/);
    expect(okta.requests.map((request) => request.operation)).toEqual(['listUsers', 'getUser']);
  });
});
