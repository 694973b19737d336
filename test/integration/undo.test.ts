/**
 * `cordon undo`: a finished containment is reversed by a run of its own, approved once, against the local Okta through
 * the real SDK; the org ends as it was before the containment except what cannot be restored (factors, sessions,
 * grants), which the undo says; what an admin changed in between is left alone and reported.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asEffectMap, asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaEffects, createOktaHandlers } from '../../activities/okta/handlers';
import { oktaConfigSchema } from '../../config/okta';
import { undoRun, type UndoOptions } from '../../runs/undo-run';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { cordon } from '../support/cli';
import { startHarness, type Harness } from '../support/harness';
import { approveWhenAsked, decide } from '../support/people';
import { pendingApproval, settle } from '../support/wait';
import { alertSignal, statusQuery } from '../../workflows/messages';

const playbooks = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');

let okta: OktaStandIn;
let client: ReturnType<typeof createOktaClient>;
let harness: Harness;
let env: Record<string, string>;

beforeAll(async () => {
  okta = await startOktaStandIn();
  client = createOktaClient(oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }));
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    effects: asEffectMap(createOktaEffects(client)),
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
  env = {
    TEMPORAL_ADDRESS: harness.address,
    TEMPORAL_NAMESPACE: harness.namespace,
    CORDON_TASK_QUEUE: harness.taskQueue,
    CORDON_USER: 'carol',
  };
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

async function plan(name: string) {
  const file = path.join(playbooks, name);
  return harness.plan(await readFile(file, 'utf8'), file);
}

/** What an undo must restore: users' status, every group's members, every zone's entries. */
function restorable(userIds: string[]) {
  return {
    users: userIds.map((id) => [okta.user(id)?.profile.login, okta.user(id)?.status]),
    groups: [...okta.state.groups.values()].map((group) => [group.name, [...group.members].sort()]),
    zones: [...okta.state.zones.values()].map((zone) => [zone.name, zone.usage, zone.gateways.map((g) => g.value)]),
  };
}

/** How the tests call `undoRun` directly, as carol does through the CLI. */
function undoOptions(): UndoOptions {
  return { requester: 'carol', trigger: { kind: 'cli' }, taskQueue: harness.taskQueue, registry: harness.registry };
}

/** Runs `cordon undo RUN --wait`, approves the undo as a responder once it asks, and returns the CLI's output. */
async function undoApproved(workflowId: string, args: string[] = []) {
  const cli = cordon(['undo', workflowId, '--wait', ...args], env, 90_000);
  const undoHandle = harness.client.workflow.getHandle(`${workflowId}/undo`);
  const approval = await Promise.race([
    waitForUndoApproval(undoHandle),
    cli.then((ended) => {
      throw new Error(`cordon undo ended before its approval: ${ended.code}\n${ended.stdout}\n${ended.stderr}`);
    }),
  ]);
  await decide(harness.client, `${workflowId}/undo`, {
    stepId: approval.stepId,
    decision: 'approve',
    approver: 'responder',
  });
  const result = await cli;
  return { result, approval, state: await settle(undoHandle) };
}

/** The undo's approval, once the CLI has started the undo and it asks. */
async function waitForUndoApproval(handle: WorkflowHandle) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const state = await handle.query(statusQuery).catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return undefined; // not started yet
    });
    const pending = state?.approvals.find((approval) => approval.status === 'pending');
    if (pending) return pending;
    if (Date.now() > deadline) throw new Error('the undo never asked for approval');
    await sleep(200);
  }
}

describe('cordon undo', () => {
  it('restores the local Okta after okta-account-compromise, except factors, sessions and grants, which it lists', async () => {
    const jane = okta.addUser({
      login: 'jane.undo@example.com',
      sessions: 2,
      factors: ['token:software:totp', 'sms'],
      apps: ['0oaslack'],
      groups: ['Engineering'],
    });
    const before = restorable([jane.id]);
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: jane.profile.login,
    });
    await approveWhenAsked(harness.client, handle, 'factors');
    await handle.result();
    expect(okta.user(jane.id)?.status).toBe('SUSPENDED');

    const { result, approval, state } = await undoApproved(workflowId);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Its own run: requested by carol, approved by a responder who saw what it would change and what it cannot.
    expect(state).toMatchObject({
      status: 'succeeded',
      requester: 'carol',
      playbook: { id: 'undo-okta-account-compromise' },
    });
    expect(approval.effects?.map((effect) => effect.summary)).toEqual([
      'unsuspend 1 account: jane.undo@example.com (SUSPENDED → ACTIVE)',
    ]);
    expect([...(approval.shown.cannotBeRestored as string[])].sort()).toEqual([
      'factors: okta.reset_factors of jane.undo@example.com cannot be undone (no undo action)',
      'grants: okta.revoke_grants of jane.undo@example.com cannot be undone (no undo action)',
      'sessions: okta.clear_sessions of jane.undo@example.com cannot be undone (no undo action)',
    ]);

    expect(restorable([jane.id])).toEqual(before);
    expect(okta.changesOf('unsuspendUser', jane.id)).toHaveLength(1);
    // What it cannot give back stays gone, and the output says so.
    expect(okta.state.factorsOf(jane.id)).toHaveLength(0);
    expect(okta.state.sessionsOf(jane.id)).toHaveLength(0);
    expect(result.stdout).toContain(`started ${workflowId}/undo: the undo of ${workflowId}, requested by carol`);
    expect(result.stdout).toContain('restored: undo_suspend');
    expect(result.stdout).toMatch(/not restored, cordon cannot undo these:\n(\s+\w+: okta\.\w+ of .*\n){3}/);
    expect(result.stdout).toContain('factors: okta.reset_factors of jane.undo@example.com cannot be undone');
    expect(result.stdout).toContain('sessions: okta.clear_sessions of jane.undo@example.com cannot be undone');

    // Undoing twice is refused, and so is undoing the undo.
    await expect(undoRun(harness.client, workflowId, undoOptions())).rejects.toThrow(
      `run ${workflowId} was already undone by ${workflowId}/undo (succeeded`,
    );
    await expect(undoRun(harness.client, `${workflowId}/undo`, undoOptions())).rejects.toThrow(
      `run ${workflowId}/undo is itself the undo of ${workflowId}: an undo is not undone`,
    );
    expect(okta.changesOf('unsuspendUser', jane.id)).toHaveLength(1);
  });

  it('leaves alone, and reports, a user an admin reactivated since, and still restores the rest (campaign, IP block)', async () => {
    const victims = ['ada', 'bo'].map((name) =>
      okta.addUser({ login: `${name}.undo@example.com`, sessions: 1, factors: ['sms'] }),
    );
    okta.addZone({ name: 'BlockedIpZone', system: true, gateways: ['198.51.100.0/24'] });
    const published = new Date(Date.now() - 600_000).toISOString();
    victims.forEach((victim, index) =>
      okta.addSignIn({ login: victim.profile.login, ipAddress: `203.0.114.${10 + index}`, published }),
    );
    const ids = victims.map((victim) => victim.id);
    const before = restorable(ids);
    const { handle, workflowId } = await harness.start(await plan('okta-phishing-campaign.yaml'), {
      attackerNetworks: ['203.0.114.0/24'],
    });
    await approveWhenAsked(harness.client, handle, 'suspend');
    await approveWhenAsked(harness.client, handle, 'block');
    await handle.result();
    const [ada, bo] = victims;
    if (!ada || !bo) throw new Error('unreachable');
    expect(okta.user(ada.id)?.status).toBe('SUSPENDED');

    // An admin reactivates ada between the run and its undo: the undo must not touch her, and must say so.
    await client.userApi.unsuspendUser({ userId: ada.id });
    const { result, approval, state } = await undoApproved(workflowId);
    expect(result.stderr).toBe('');
    expect(approval.effects?.map((effect) => effect.summary)).toEqual([
      'remove 1 CIDR from zone BlockedIpZone: 203.0.114.0/24',
      'unsuspend 1 account: bo.undo@example.com (SUSPENDED → ACTIVE); left alone, changed since: ada.undo@example.com (ACTIVE)',
    ]);
    expect(state.status).toBe('succeeded');
    expect(restorable(ids)).toEqual(before);
    // Only the admin's unsuspension of ada: the undo read her status and changed nothing.
    expect(okta.changesOf('unsuspendUser', ada.id)).toHaveLength(1);
    expect(okta.changesOf('unsuspendUser', bo.id)).toHaveLength(1);
    const undoSuspend = state.steps.find((step) => step.id === 'undo_suspend');
    const leftAlone = undoSuspend?.items?.map((item) => (item.output as { leftAlone?: string }).leftAlone);
    expect(leftAlone?.filter(Boolean)).toEqual([
      `user ${ada.id} (ada.undo@example.com) is ACTIVE, not SUSPENDED as the step being undone left it: changed since, left alone`,
    ]);
    expect(result.stdout).toMatch(/left alone: undo_suspend\[\d\]: user \S+ \(ada\.undo@example\.com\) is ACTIVE/);
    expect(result.stdout).toContain('restored: undo_block');
    expect(result.stdout).toMatch(/factors\[\d\]: okta\.reset_factors of ada\.undo@example\.com cannot be undone/);
  });

  it('leaves a group membership an admin re-added alone, and restores the quarantine (approvers named)', async () => {
    okta.addGroup('Quarantine');
    const kit = okta.addUser({ login: 'kit.undo@example.com', groups: ['Engineering'] });
    const before = restorable([kit.id]);
    const quarantine = harness.plan(`
id: quarantine-undo-test
title: Quarantine
inputs: { login: { type: email } }
subject: "\${{ inputs.login }}"
steps:
  - id: quarantine
    action: okta.add_to_group
    with: { userId: "\${{ inputs.login }}", group: Quarantine }
  - id: engineering
    action: okta.remove_from_group
    needs: [quarantine]
    with: { userId: "\${{ inputs.login }}", group: Engineering }
`);
    const { handle, workflowId } = await harness.start(quarantine, { login: kit.profile.login });
    await handle.result();
    const engineering = [...okta.state.groups.values()].find((group) => group.name === 'Engineering');
    if (!engineering) throw new Error('no Engineering group');
    expect(engineering.members.has(kit.id)).toBe(false);
    // No gate in this playbook names approvers: the undo needs them named.
    await expect(undoRun(harness.client, workflowId, undoOptions())).rejects.toThrow(
      `the playbook of run ${workflowId} names no approvers: give the undo's approvers`,
    );

    await client.groupApi.assignUserToGroup({ groupId: engineering.id, userId: kit.id });
    const { result, state } = await undoApproved(workflowId, ['--approvers', 'secops-oncall']);
    expect(state.status).toBe('succeeded');
    expect(restorable([kit.id])).toEqual(before);
    expect(okta.changesOf('assignUserToGroup').filter((change) => change.target.includes(kit.id))).toHaveLength(2);
    expect(result.stdout).toMatch(
      /left alone: undo_engineering: user \S+ \(kit\.undo@example\.com\) is a member of group Engineering again/,
    );
    expect(result.stdout).toContain('restored: undo_quarantine');
  });

  it("keeps out of the undo's approval each person whose account it restores, and whoever the run's detections named", async () => {
    // A campaign's subject is the campaign, so neither the run nor its undo names dana as its subject; but the undo
    // unsuspends her account, and whoever holds it (perhaps the attacker) must not approve that.
    const dana = okta.addUser({ login: 'dana@example.com', sessions: 1 });
    const published = new Date(Date.now() - 600_000).toISOString();
    okta.addSignIn({ login: dana.profile.login, ipAddress: '203.0.115.7', published });
    const { handle, workflowId } = await harness.start(await plan('okta-phishing-campaign.yaml'), {
      attackerNetworks: ['203.0.115.0/24'],
    });
    // The run's detection named erin (as the System Log event's actor): she never decides on the undo either.
    await harness.client.workflow.getHandle(workflowId).signal(alertSignal, {
      source: 'okta',
      summary: 'user.session.start from the attacker network',
      data: { actor: { type: 'User', alternateId: 'erin@example.com' }, target: [] },
    });
    await approveWhenAsked(harness.client, handle, 'suspend');
    await pendingApproval(handle, 'block');
    await decide(harness.client, workflowId, {
      stepId: 'block',
      decision: 'reject',
      approver: 'responder',
      reason: 'no',
    });
    await handle.result().catch(() => undefined);
    expect(okta.user(dana.id)?.status).toBe('SUSPENDED');

    const undo = await undoRun(harness.client, workflowId, {
      ...undoOptions(),
      approvers: { users: ['dana', 'erin', 'responder'], groups: [] },
    });
    const undoHandle = harness.client.workflow.getHandle(undo.workflowId);
    const approval = await waitForUndoApproval(undoHandle);
    expect(approval.approvers).toEqual(['responder']);
    for (const [person, why] of [
      ['dana', /dana's own account \(dana@example\.com\) is changed by this step/],
      ['erin', /named by the detection \(erin@example\.com\)/],
    ] as const) {
      await expect(
        decide(harness.client, undo.workflowId, { stepId: approval.stepId, decision: 'approve', approver: person }),
      ).rejects.toThrow(why);
    }
    expect(okta.user(dana.id)?.status).toBe('SUSPENDED');
    await undoHandle.cancel();
  });

  it('refuses, with one clear line, an unknown run and a run that has not ended', async () => {
    const unknown = await cordon(['undo', 'cordon/okta-account-compromise/never-ran.undo@example.com'], env);
    expect(unknown).toMatchObject({
      code: 2,
      stderr:
        'cordon undo: no run cordon/okta-account-compromise/never-ran.undo@example.com: check the id with cordon list\n',
    });
    okta.addUser({ login: 'lou.undo@example.com', sessions: 1 });
    const { handle, workflowId } = await harness.start(await plan('okta-account-compromise.yaml'), {
      login: 'lou.undo@example.com',
    });
    await pendingApproval(handle, 'factors');
    const running = await cordon(['undo', workflowId], env);
    expect(running).toMatchObject({ code: 2, stderr: expect.stringContaining('is still waiting_approval') });
    await handle.cancel();
  });
});
