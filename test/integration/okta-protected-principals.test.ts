/**
 * Protected principals (issue 13): super-admins, cordon's own account and the configured accounts and groups are
 * refused by the Okta handlers themselves, whatever the playbook says, and Okta is left as it was.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HandlerMap } from '../../activities';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaAddToGroup, oktaClearSessions, oktaSuspendUser } from '../../activities/okta/specs';
import { guardrailsConfigFromEnv } from '../../config/guardrails';
import { oktaConfigSchema } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn, type UserRecord } from '../../stand-ins/okta';
import { recordingContext } from '../../stand-ins/okta/testing';
import { statusQuery } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/harness';
import { approveWhenAsked, decide } from '../support/people';
import { pendingApproval, settle } from '../support/wait';
import { forgeGrant, type ForgedOutcome } from '../support/forged-grant-workflows';

const FORGER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'forged-grant-workflows.ts');

function handlersFor(okta: OktaStandIn, env: Record<string, string> = {}, token = okta.token): HandlerMap {
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token } });
  return asHandlerMap(createOktaHandlers(createOktaClient(config), guardrailsConfigFromEnv(env)));
}

async function call(handlers: HandlerMap, name: string, input: Record<string, unknown>): Promise<unknown> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  return handler(input, recordingContext());
}

describe('the Okta handlers refuse protected accounts', () => {
  let okta: OktaStandIn;
  beforeEach(async () => {
    okta = await startOktaStandIn();
  });
  afterEach(async () => {
    await okta.close();
  });

  it('refuses to suspend a super-admin, naming the account and why, and changes nothing', async () => {
    const root = okta.addUser({ login: 'root@example.com', sessions: 1, roles: ['SUPER_ADMIN'] });
    okta.addUser({ login: 'helpdesk@example.com', roles: ['HELP_DESK_ADMIN'] });
    const handlers = handlersFor(okta);
    await expect(call(handlers, oktaSuspendUser.name, { userId: root.id })).rejects.toMatchObject({
      type: 'ProtectedPrincipal',
      retryable: false,
      message: `okta.suspend_user refused: root@example.com (${root.id}) is protected, as an Okta super-admin`,
    });
    await expect(
      call(handlers, oktaClearSessions.name, { userId: 'ROOT@example.com', oauthTokens: true }),
    ).rejects.toMatchObject({ type: 'ProtectedPrincipal' });
    expect(okta.changes).toHaveLength(0);
    expect(okta.user(root.id)?.status).toBe('ACTIVE');
    // Another admin role is not protected by default.
    expect(await call(handlers, oktaSuspendUser.name, { userId: 'helpdesk@example.com' })).toMatchObject({
      changed: true,
    });
  });

  it("refuses cordon's own account, the configured accounts and the members of the configured groups", async () => {
    const svc = okta.addUser({ login: 'cordon-svc@example.com' });
    const token = okta.addApiToken({ login: 'cordon-svc@example.com' });
    const glass = okta.addUser({ login: 'break-glass@example.com' });
    const ops = okta.addUser({ login: 'ops@example.com', groups: ['Emergency Access'] });
    const mallory = okta.addUser({ login: 'mallory@example.com' });
    okta.addGroup('Quarantine');
    const handlers = handlersFor(
      okta,
      { OKTA_PROTECTED_USERS: 'break-glass@example.com', OKTA_PROTECTED_GROUPS: 'Emergency Access' },
      token.token,
    );
    await expect(call(handlers, oktaSuspendUser.name, { userId: svc.id })).rejects.toMatchObject({
      message: expect.stringContaining(
        'cordon-svc@example.com (' + svc.id + ") is protected, as the account cordon's own",
      ),
    });
    await expect(call(handlers, oktaSuspendUser.name, { userId: glass.id })).rejects.toMatchObject({
      message: expect.stringContaining('as listed in OKTA_PROTECTED_USERS'),
    });
    await expect(call(handlers, oktaSuspendUser.name, { userId: 'ops' })).rejects.toMatchObject({
      message: expect.stringContaining('as a member of the protected group Emergency Access'),
    });
    // Joining a protected group would put an account out of containment's reach.
    await expect(
      call(handlers, oktaAddToGroup.name, { userId: mallory.id, group: 'Emergency Access' }),
    ).rejects.toMatchObject({ type: 'ProtectedPrincipal', message: expect.stringContaining('is a protected group') });
    expect(okta.changes).toHaveLength(0);
    expect(okta.user(ops.id)?.status).toBe('ACTIVE');
    expect(await call(handlers, oktaAddToGroup.name, { userId: mallory.id, group: 'Quarantine' })).toMatchObject({
      changed: true,
    });
  });

  it('resolves the protected set once, not per containment', async () => {
    okta.addUser({ login: 'root@example.com', roles: ['SUPER_ADMIN'] });
    const users = Array.from({ length: 5 }, (_, index) => okta.addUser({ login: `user${index}@example.com` }));
    const handlers = handlersFor(okta);
    await Promise.all(users.map((user) => call(handlers, oktaSuspendUser.name, { userId: user.id })));
    expect(okta.requestsOf('listUsersWithRoleAssignments')).toHaveLength(1);
    expect(okta.requestsOf('getCurrentUser')).toHaveLength(1);
  });

  it('fails closed, naming the missing permission, when the credentials cannot read admin roles', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const scoped = okta.addApiToken({ scopes: ['okta.users.read', 'okta.users.manage', 'okta.users.read.self'] });
    await expect(
      call(handlersFor(okta, {}, scoped.token), oktaSuspendUser.name, { userId: alice.id }),
    ).rejects.toMatchObject({
      type: 'Forbidden',
      message: expect.stringMatching(/cannot tell which Okta accounts are protected.*okta\.roles\.read/),
    });
    expect(okta.user(alice.id)?.status).toBe('ACTIVE');
  });
});

describe('a playbook cannot reach a protected account', () => {
  let okta: OktaStandIn;
  let harness: Harness;
  let admins: UserRecord[] = [];
  beforeAll(async () => {
    okta = await startOktaStandIn();
    // Every protected account before the first change: the worker resolves the protected set once (every 5 minutes).
    admins = ['root2', 'one-admin', 'two-admin'].map((name) =>
      okta.addUser({ login: `${name}@example.com`, roles: ['SUPER_ADMIN'] }),
    );
    harness = await startHarness({ handlers: handlersFor(okta), groups: { 'secops-oncall': ['responder'] } });
  });
  afterAll(async () => {
    await harness?.shutdown();
    await okta?.close();
  });

  it('refuses a super-admin at the handler even under an unattended policy', async () => {
    const root = okta.addUser({ login: 'root@example.com', sessions: 2, roles: ['SUPER_ADMIN'] });
    const plan = harness.plan(`
id: unattended-suspend
title: Suspend without asking
inputs:
  login: { type: email }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.login }}" }
    unattended: { reason: "A misfiring detection, for the test" }
`);
    const { handle } = await harness.start(plan, { login: 'root@example.com' });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await handle.query(statusQuery);
    expect(state.steps.find((step) => step.id === 'suspend')).toMatchObject({
      status: 'failed',
      error: { type: 'ProtectedPrincipal', message: expect.stringContaining('is protected, as an Okta super-admin') },
    });
    expect(okta.user(root.id)?.status).toBe('ACTIVE');
    expect(okta.changes).toHaveLength(0);
  });

  it("changes a protected account only after a separate approval that names it, asked of the step's approvers", async () => {
    const root = admins[0];
    if (!root) throw new Error('unreachable');
    const plan = harness.plan(`
id: gated-suspend
title: Suspend, approved
inputs:
  login: { type: email }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.login }}" }
    approval:
      approvers: { groups: [secops-oncall] }
      onTimeout: approve
    unattended: { reason: "an approval on timeout must not reach a protected account" }
`);
    const { handle, workflowId } = await harness.start(plan, { login: 'root2@example.com' });
    await approveWhenAsked(harness.client, handle, 'suspend');
    const named = await pendingApproval(handle, `protected:suspend:${root.id}`);
    expect(named.shown).toMatchObject({
      change: `okta.suspend_user on the protected account root2@example.com (${root.id}), protected as an Okta super-admin`,
    });
    expect(okta.user(root.id)?.status).toBe('ACTIVE');
    await decide(harness.client, workflowId, {
      stepId: `protected:suspend:${root.id}`,
      decision: 'approve',
      approver: 'responder',
    });
    await handle.result();
    expect(okta.user(root.id)?.status).toBe('SUSPENDED');
    expect(okta.changesOf('suspendUser', root.id)).toHaveLength(1);
  });

  it('an approval naming one protected account does not unlock another', async () => {
    const [, one, two] = admins;
    if (!one || !two) throw new Error('unreachable');
    const plan = harness.plan(`
id: gated-suspend-each
title: Suspend each, approved
inputs:
  logins: { type: list, of: email }
steps:
  - id: suspend
    action: okta.suspend_user
    forEach: "\${{ inputs.logins }}"
    with: { userId: "\${{ item }}" }
    approval:
      approvers: { groups: [secops-oncall] }
`);
    const { handle, workflowId } = await harness.start(plan, { logins: [one.profile.login, two.profile.login] });
    await approveWhenAsked(harness.client, handle, 'suspend');
    await pendingApproval(handle, `protected:suspend:${one.id}`);
    await pendingApproval(handle, `protected:suspend:${two.id}`);
    await decide(harness.client, workflowId, {
      stepId: `protected:suspend:${one.id}`,
      decision: 'approve',
      approver: 'responder',
    });
    await decide(harness.client, workflowId, {
      stepId: `protected:suspend:${two.id}`,
      decision: 'reject',
      approver: 'responder',
      reason: 'not this one',
    });
    const state = await settle(handle);
    expect(state.steps[0]?.items?.map((item) => [item.status, item.error?.type])).toEqual([
      ['succeeded', undefined],
      ['failed', 'ProtectedPrincipal'],
    ]);
    expect(okta.user(one.id)?.status).toBe('SUSPENDED');
    expect(okta.user(two.id)?.status).toBe('ACTIVE');
  });
});

describe('the handler checks the grant itself', () => {
  it('refuses a protected account unless the activity carries a grant naming that very account', async () => {
    const okta = await startOktaStandIn();
    try {
      const root = okta.addUser({ login: 'root@example.com', roles: ['SUPER_ADMIN'] });
      const other = okta.addUser({ login: 'other-admin@example.com', roles: ['SUPER_ADMIN'] });
      const handler = handlersFor(okta)[oktaSuspendUser.name];
      if (!handler) throw new Error('no handler');
      const grant = (userId: string) => [{ userId, approval: `protected:suspend:${userId}`, by: 'responder' }];
      await expect(
        handler({ userId: root.id }, { ...recordingContext(), approvedPrincipals: grant(other.id) }),
      ).rejects.toMatchObject({ type: 'ProtectedPrincipal' });
      expect(okta.changes).toHaveLength(0);
      expect(
        await handler({ userId: root.id }, { ...recordingContext(), approvedPrincipals: grant(root.id) }),
      ).toMatchObject({
        changed: true,
      });
    } finally {
      await okta.close();
    }
  });
});

describe('a grant the worker did not sign for that very change unlocks nothing', () => {
  let okta: OktaStandIn;
  let harness: Harness;
  let forger: Worker;
  let forgerQueue: string;
  let forgerRun: Promise<void>;
  let root: UserRecord;
  let rootA: UserRecord;
  let rootB: UserRecord;
  beforeAll(async () => {
    okta = await startOktaStandIn();
    // Every protected account before the first change: the worker resolves the protected set once (every 5 minutes).
    const admin = (name: string) => okta.addUser({ login: `${name}@example.com`, sessions: 1, roles: ['SUPER_ADMIN'] });
    root = admin('root-forged');
    rootA = admin('root-a');
    rootB = admin('root-b');
    harness = await startHarness({ handlers: handlersFor(okta), groups: { 'secops-oncall': ['responder'] } });
    // Someone else's worker and workflow code, on a queue of their own, scheduling cordon's actions on cordon's queue.
    forgerQueue = `${harness.taskQueue}-forger`;
    const connection = await NativeConnection.connect({ address: harness.address });
    forger = await Worker.create({
      connection,
      namespace: harness.namespace,
      taskQueue: forgerQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: FORGER, logger: new DefaultLogger('WARN') }),
    });
    forgerRun = forger.run().finally(() => connection.close());
  });
  afterAll(async () => {
    forger?.shutdown();
    await forgerRun;
    await harness?.shutdown();
    await okta?.close();
  });

  async function forged(action: string, input: unknown, pass: unknown): Promise<ForgedOutcome> {
    return harness.client.workflow.execute(forgeGrant, {
      taskQueue: forgerQueue,
      workflowId: `forged-grant-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      args: [{ taskQueue: harness.taskQueue, action, input, pass }],
    });
  }

  it('refuses a hand-made grant naming the protected account, unsigned or with a made-up signature', async () => {
    const grant = { userId: root.id, approval: `protected:suspend:${root.id}`, by: 'responder' };
    for (const principal of [grant, { ...grant, signature: 'A'.repeat(43) }]) {
      const outcome = await forged(
        oktaSuspendUser.name,
        { userId: root.id },
        { approved: [], principals: [principal] },
      );
      expect(outcome).toMatchObject({
        type: 'ProtectedPrincipal',
        message: expect.stringContaining(`root-forged@example.com (${root.id}) is protected, as an Okta super-admin`),
      });
    }
    const cleared = await forged(
      oktaClearSessions.name,
      { userId: root.id, oauthTokens: true },
      { approved: [], principals: [grant] },
    );
    expect(cleared).toMatchObject({ type: 'ProtectedPrincipal' });
    expect(okta.user(root.id)?.status).toBe('ACTIVE');
    expect(okta.state.sessionsOf(root.id)).toHaveLength(1);
    expect(okta.changes).toHaveLength(0);
  });

  it('refuses a grant signed for another change, and will not sign one for workflow code that is not a run', async () => {
    const [root, other] = [rootA, rootB];
    const asked = await forged(
      'cordon.sign_grants',
      {
        activityId: 'suspend',
        input: { userId: root.id },
        grants: [{ userId: root.id, approval: `protected:suspend:${root.id}`, by: 'responder' }],
      },
      undefined,
    );
    expect(asked).toMatchObject({ message: expect.stringContaining('signs only for a run') });

    // A real, signed grant from a run approved for root: reused elsewhere, it unlocks nothing.
    const plan = harness.plan(`
id: gated-suspend-signed
title: Suspend, approved
inputs:
  login: { type: email }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.login }}" }
    approval:
      approvers: { groups: [secops-oncall] }
`);
    const { handle, workflowId } = await harness.start(plan, { login: root.profile.login });
    await approveWhenAsked(harness.client, handle, 'suspend');
    await pendingApproval(handle, `protected:suspend:${root.id}`);
    await decide(harness.client, workflowId, {
      stepId: `protected:suspend:${root.id}`,
      decision: 'approve',
      approver: 'responder',
    });
    await handle.result();
    expect(okta.user(root.id)?.status).toBe('SUSPENDED');
    const signed = await signedPassOf(workflowId);
    expect(signed.principals[0]).toMatchObject({ userId: root.id, signature: expect.any(String) });
    for (const [input, why] of [
      [{ userId: other.id }, 'another account'],
      [{ userId: root.id }, 'the same account, from another workflow'],
    ] as const) {
      const outcome = await forged(oktaSuspendUser.name, input, signed);
      expect(outcome, why).toMatchObject({ type: 'ProtectedPrincipal' });
    }
    expect(okta.user(other.id)?.status).toBe('ACTIVE');
    expect(okta.changesOf('suspendUser', root.id)).toHaveLength(1);
  });

  /** The second argument the run gave its change once approved, as its history recorded it. */
  async function signedPassOf(workflowId: string): Promise<{ principals: Array<Record<string, unknown>> }> {
    const history = await harness.client.workflow.getHandle(workflowId).fetchHistory();
    const passes = (history.events ?? []).flatMap((event) => {
      const payloads = event.activityTaskScheduledEventAttributes?.input?.payloads ?? [];
      const second = payloads[1];
      return second ? [defaultPayloadConverter.fromPayload(second)] : [];
    });
    const pass = passes.find(
      (candidate): candidate is { principals: Array<Record<string, unknown>> } =>
        typeof candidate === 'object' && candidate !== null && 'principals' in candidate,
    );
    if (!pass) throw new Error(`no change of ${workflowId} carried a grant`);
    return pass;
  }
});
