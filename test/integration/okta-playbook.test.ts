/**
 * The shipped Okta playbooks end to end: compiled from playbooks/, run by the interpreter on the real Temporal dev
 * server, with the worker's `okta.*` handlers calling the local Okta through the real SDK, and approved as a responder
 * would approve them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaActions, oktaSnapshot } from '../../activities/okta/specs';
import { builtinRegistry } from '../../activities/registry';
import { buildAudit, fetchRunHistory, renderText } from '../../audit';
import { oktaConfigSchema } from '../../config/okta';
import { approveWhenAsked, decide } from '../support/people';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval, settle } from '../support/wait';
import { statusQuery } from '../../workflows/messages';

const playbooks = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');

let okta: OktaStandIn;
let harness: Harness;

async function plan(name: string) {
  const file = path.join(playbooks, name);
  return harness.plan(await readFile(file, 'utf8'), file);
}

beforeAll(async () => {
  okta = await startOktaStandIn();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    // Until the registry lists the Okta actions itself.
    specs: builtinRegistry.has('okta.get_user') ? [] : oktaActions,
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

/** Starts the account playbook for `login` and approves its lock-down when asked. */
async function approvedLockDown(login: string) {
  const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), { login });
  await pendingApproval(handle, 'factors');
  await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
  return handle;
}

describe('playbooks/okta-account-compromise.yaml', () => {
  it('revokes sessions, tokens and grants at once, and resets factors and suspends the user once approved', async () => {
    const jane = okta.addUser({
      login: 'jane.doe@example.com',
      sessions: 2,
      factors: ['token:software:totp', 'sms'],
      apps: ['0oaslack', '0oagithub'],
      groups: ['Engineering'],
    });
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'jane.doe@example.com',
    });

    const approval = await pendingApproval(handle, 'factors');
    expect(approval.approvers).toEqual(['responder']);
    expect(approval.shown).toMatchObject({
      account: 'jane.doe@example.com',
      status: 'ACTIVE',
      groups: ['Engineering'],
      thisApprovalAlsoCovers: 'suspending the account',
    });
    // Nothing destructive before the decision.
    expect(okta.changesOf('resetFactors')).toHaveLength(0);
    expect(okta.changesOf('suspendUser')).toHaveLength(0);

    await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
    const result = await handle.result();
    expect(Object.fromEntries(result.steps.map((step) => [step.id, step.status]))).toEqual({
      user: 'succeeded',
      sessions: 'succeeded',
      grants: 'succeeded',
      factors: 'succeeded',
      suspend: 'succeeded',
      password: 'skipped',
    });

    expect(okta.user(jane.id)?.status).toBe('SUSPENDED');
    expect(okta.state.sessionsOf(jane.id)).toHaveLength(0);
    expect(okta.state.refreshTokensOf(jane.id)).toHaveLength(0);
    expect(okta.state.grantsOf(jane.id)).toHaveLength(0);
    expect(okta.state.factorsOf(jane.id)).toHaveLength(0);
    for (const kind of ['revokeUserSessions', 'revokeUserGrants', 'resetFactors', 'suspendUser']) {
      expect(okta.changesOf(kind, jane.id), kind).toHaveLength(1);
    }
    // Sessions and grants ran at once; which of the two revoked the refresh tokens depends on who came first.
    expect(okta.changesOf('revokeTokensForUserAndClient').length).toBeLessThanOrEqual(2);
  });

  it('keeps a snapshot of the account before containment erases it, and the audit lists it', async () => {
    const kai = okta.addUser({ login: 'kai@example.com', sessions: 1, factors: ['sms'], groups: ['Finance'] });
    okta.addSignIn({ login: 'kai@example.com', ipAddress: '192.0.2.99', userAgent: 'python-requests/2.31' });
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'kai@example.com',
    });
    const approval = await pendingApproval(handle, 'factors');
    expect(approval.shown).toMatchObject({ factors: ['sms'] });
    await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
    await handle.result();
    expect(okta.state.factorsOf(kai.id)).toHaveLength(0);
    // The snapshot below still holds the factor the reset erased: it was read first.

    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    const snapshot = audit.snapshots[0];
    expect(snapshot).toMatchObject({
      action: 'okta.snapshot',
      call: 'user',
      summary: expect.stringMatching(/^Okta snapshot of kai@example.com: ACTIVE, 1 group\(s\), 1 factor\(s\) \(sms\)/),
      data: {
        status: 'ACTIVE',
        factors: [expect.objectContaining({ factorType: 'sms', boundTo: '+15555550100' })],
        systemLog: { events: [expect.objectContaining({ ipAddress: '192.0.2.99' })] },
      },
    });
    const text = renderText(audit).join('\n');
    expect(text).toContain('okta.snapshot (user): Okta snapshot of kai@example.com');
    expect(text).toContain('"boundTo": "+15555550100"');
    expect(audit.timeline.map((entry) => entry.text)).toContainEqual(
      expect.stringContaining('snapshot kept by okta.snapshot (user): Okta snapshot of kai@example.com'),
    );
  });

  it('changes nothing destructive when the responder rejects', async () => {
    const ian = okta.addUser({ login: 'ian@example.com', sessions: 1, factors: ['sms'] });
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'ian@example.com',
    });
    await pendingApproval(handle, 'factors');
    await decide(harness.client, workflowId, {
      stepId: 'factors',
      decision: 'reject',
      approver: 'responder',
      reason: 'a colleague travelling, not the attacker',
    });
    const state = await settle(handle);
    expect(state.steps.find((step) => step.id === 'suspend')?.status).toBe('skipped');
    expect(okta.user(ian.id)?.status).toBe('ACTIVE');
    expect(okta.state.factorsOf(ian.id)).toHaveLength(1);
    expect(okta.changesOf('revokeUserSessions', ian.id)).toHaveLength(1);
  });

  it('suspends the account once approved even when Okta refuses the factor reset', async () => {
    const ada = okta.addUser({ login: 'ada@example.com', sessions: 1, factors: ['sms'] });
    // A token without the factor permission: Okta answers 403 to every reset, and the step fails for good.
    okta.faults.inject('resetFactors', { kind: 'status', status: 403 }, 50);
    try {
      const state = await settle(await approvedLockDown('ada@example.com'));
      const status = Object.fromEntries(state.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ factors: 'failed', suspend: 'succeeded', password: 'skipped' });
      expect(okta.user(ada.id)?.status).toBe('SUSPENDED');
      expect(okta.changesOf('suspendUser', ada.id)).toHaveLength(1);
    } finally {
      okta.faults.clear();
    }
  });

  it('sends the suspension beside the factor reset, not after it', async () => {
    const ben = okta.addUser({ login: 'ben@example.com', sessions: 1, factors: ['sms'] });
    // A slow factor reset: the suspension must not wait for it (nor for its read-back).
    okta.faults.inject('resetFactors', { kind: 'delay', ms: 3_000 }, 1);
    try {
      await (await approvedLockDown('ben@example.com')).result();
      const [suspended] = okta.changesOf('suspendUser', ben.id);
      const [reset] = okta.changesOf('resetFactors', ben.id);
      expect(suspended && reset).toBeTruthy();
      expect(Date.parse(suspended?.at ?? '')).toBeLessThan(Date.parse(reset?.at ?? ''));
      expect(okta.user(ben.id)?.status).toBe('SUSPENDED');
      expect(okta.state.factorsOf(ben.id)).toHaveLength(0);
    } finally {
      okta.faults.clear();
    }
  });
});

describe('playbooks/okta-phishing-campaign.yaml', () => {
  it('contains every account that signed in from the attacker, after one approval that lists them all', async () => {
    const victims = ['kim', 'lee', 'max'].map((name) =>
      okta.addUser({ login: `${name}@example.com`, sessions: 1, factors: ['sms'], apps: ['0oaslack'] }),
    );
    const bystander = okta.addUser({ login: 'noa@example.com', sessions: 1 });
    okta.addZone({ name: 'BlockedIpZone', system: true, gateways: ['198.51.100.0/24'] });
    const published = new Date(Date.now() - 600_000).toISOString();
    victims.forEach((victim, index) =>
      okta.addSignIn({ login: victim.profile.login, ipAddress: `203.0.113.${10 + index}`, published }),
    );
    okta.addSignIn({ login: bystander.profile.login, ipAddress: '192.0.2.5', published });

    const { handle, workflowId } = await harness.start(await plan('okta-phishing-campaign.yaml'), {
      attackerNetworks: ['203.0.113.0/24'],
      attackerIps: ['198.51.100.77'],
    });
    const approval = await pendingApproval(handle, 'suspend');
    expect(approval.shown).toMatchObject({
      accounts: ['kim@example.com', 'lee@example.com', 'max@example.com'],
      accountCount: 3,
    });
    await decide(harness.client, workflowId, { stepId: 'suspend', decision: 'approve', approver: 'responder' });
    await approveWhenAsked(harness.client, handle, 'block');
    const result = await handle.result();
    expect(result.steps.every((step) => step.status === 'succeeded')).toBe(true);

    // Each account's snapshot still holds the factor its reset erased: it was read first.
    const snapshots = oktaSnapshot.output.array().parse(result.steps.find((step) => step.id === 'snapshot')?.output);
    expect(snapshots.map((snapshot) => [snapshot.login, snapshot.factors.map((factor) => factor.factorType)])).toEqual([
      ['kim@example.com', ['sms']],
      ['lee@example.com', ['sms']],
      ['max@example.com', ['sms']],
    ]);
    for (const victim of victims) {
      expect(okta.user(victim.id)?.status).toBe('SUSPENDED');
      expect(okta.state.sessionsOf(victim.id)).toHaveLength(0);
      expect(okta.state.factorsOf(victim.id)).toHaveLength(0);
      expect(okta.changesOf('suspendUser', victim.id)).toHaveLength(1);
    }
    expect(okta.user(bystander.id)?.status).toBe('ACTIVE');
    expect(okta.state.sessionsOf(bystander.id)).toHaveLength(1);
    const zone = [...okta.state.zones.values()].find((candidate) => candidate.name === 'BlockedIpZone');
    // 198.51.100.77 was already covered by the zone's /24; only the attacker's network was added.
    expect(zone?.gateways.map((gateway) => gateway.value)).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
  });
});

describe('playbooks/okta-phishing-campaign.yaml with a month of sign-ins behind every account', () => {
  it('closes, and answers status, when the evidence kept is larger than a Temporal payload may be', async () => {
    // 24 accounts, each with 100 recent sign-ins from a browser with a long user agent: the snapshots keep about 4 MB,
    // twice Temporal's 2 MB a payload.
    const published = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) ${'AppleWebKit/537.36 (KHTML, like Gecko) '.repeat(36)}`;
    const victims = Array.from({ length: 24 }, (_, index) =>
      okta.addUser({ login: `heavy-${index}@example.com`, sessions: 1, factors: ['sms'] }),
    );
    for (const [index, victim] of victims.entries()) {
      const login = victim.profile.login;
      for (let minute = 1; minute <= 100; minute += 1)
        okta.addSignIn({ login, ipAddress: `10.1.${index}.${minute}`, userAgent, published: published(minute) });
      okta.addSignIn({ login, ipAddress: '198.18.7.7', published: published(0.5) });
    }
    if (![...okta.state.zones.values()].some((zone) => zone.name === 'BlockedIpZone'))
      okta.addZone({ name: 'BlockedIpZone', system: true, gateways: ['198.51.100.0/24'] });
    const { handle, workflowId } = await harness.start(await plan('okta-phishing-campaign.yaml'), {
      attackerIps: ['198.18.7.7'],
      since: '1d',
    });
    try {
      await pendingApproval(handle, 'suspend');
      await decide(harness.client, workflowId, { stepId: 'suspend', decision: 'approve', approver: 'responder' });
      await approveWhenAsked(harness.client, handle, 'block');
      const result = await handle.result();
      expect(result.status).toBe('succeeded');
      const state = await handle.query(statusQuery);
      expect(state.status).toBe('succeeded');
      for (const victim of victims) expect(okta.user(victim.id)?.status).toBe('SUSPENDED');
      // The evidence is all in the history: the audit lists every account's snapshot with its events.
      const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
      expect(audit.snapshots).toHaveLength(24);
      // Every sign-in is kept. The revocations run beside the snapshots, so a snapshot taken after its account's
      // sessions were cleared (a late start, a retry under load) also holds that user.session.clear: count sign-ins.
      const signIns = (snapshot: { data: unknown }) =>
        (snapshot.data as { systemLog: { events: Array<{ eventType?: string }> } }).systemLog.events.filter(
          (event) => event.eventType === 'user.session.start',
        ).length;
      expect(audit.snapshots.map(signIns)).toEqual(victims.map(() => 101));
    } finally {
      await handle.terminate('the test is done').catch(() => undefined);
    }
  }, 180_000);
});
