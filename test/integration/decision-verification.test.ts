/**
 * Issue 10, attacks 4 and 5, against the real dev server and the local Okta: a decision counts only when the worker
 * has verified where it came from (the approver's own key here; Slack's signature in slack-approvals.test.ts) and the
 * person it names may decide. Each refused attempt leaves the Okta account as it was, is recorded in the run, and
 * gives the caller a clear error.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { asEffectMap, asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaEffects, createOktaHandlers } from '../../activities/okta/handlers';
import { oktaActions } from '../../activities/okta/specs';
import { builtinRegistry } from '../../activities/registry';
import { oktaConfigSchema } from '../../config/okta';
import type { Plan } from '../../dsl/plan';
import { decide as send, DecisionRefusedError, signedDecision } from '../../runs/decide';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { decideUpdate, statusQuery } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/harness';
import { acceptedDecisions, decideUpdates } from '../support/history';
import { decide, keyOf, STRANGER_KEY, testDirectory } from '../support/people';
import { buildAudit, fetchRunHistory, renderText } from '../../audit';
import { verifyDecisionSignatures } from '../../audit/verify-decisions';
import { pendingApproval, settle, waitForState } from '../support/wait';
import { stepEnded } from '../../workflows/run-state';

let okta: OktaStandIn;
let harness: Harness;
let compromise: Plan;

beforeAll(async () => {
  okta = await startOktaStandIn();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    effects: asEffectMap(createOktaEffects(client)),
    specs: builtinRegistry.has('okta.get_user') ? [] : oktaActions,
    // bob is on call, as in the 0ktapus story: his own account is in the approver group.
    groups: { 'secops-oncall': ['responder', 'bob', 'U0CAROL'], 'secops-leads': ['dana'] },
  });
  const file = path.resolve('playbooks/okta-account-compromise.yaml');
  compromise = harness.plan(await readFile(file, 'utf8'), file);
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

let counter = 0;
/** A phished account at the local Okta and a containment of it waiting for approval of `factors`. */
async function containment(options: { requester?: string; login?: string } = {}) {
  const login = options.login ?? `victim${++counter}@example.com`;
  okta.addUser({ login, sessions: 1, factors: ['sms'] });
  const { handle, workflowId } = await harness.start(
    compromise,
    { login },
    { requester: options.requester ?? 'requester' },
  );
  const approval = await pendingApproval(handle, 'factors');
  return { handle, workflowId, approval, login };
}

/** Nothing destructive happened at Okta, the gate is still pending, nothing counted, and the refusal is recorded. */
async function expectUnchanged(handle: WorkflowHandle, login: string, refusal: RegExp) {
  expect(okta.changesOf('resetFactors').filter((change) => JSON.stringify(change).includes(login))).toEqual([]);
  expect(okta.changesOf('suspendUser').filter((change) => JSON.stringify(change).includes(login))).toEqual([]);
  const state = await handle.query(statusQuery);
  const gate = state.approvals.find((approval) => approval.stepId === 'factors');
  expect(gate?.status).toBe('pending');
  expect(gate?.decisions).toEqual([]);
  expect(gate?.refused?.map((record) => record.problem)).toEqual(
    expect.arrayContaining([expect.stringMatching(refusal)]),
  );
  expect(await acceptedDecisions(handle)).toEqual([]);
}

describe('attack 4: the account being contained decides on its own containment', () => {
  it("refuses the subject's approval and rejection, though they are in the approver group", async () => {
    const { handle, workflowId, login } = await containment({ login: 'bob@example.com' });
    await expect(
      decide(harness.client, workflowId, { stepId: 'factors', decision: 'reject', approver: 'bob', reason: 'not me' }),
    ).rejects.toThrow(
      new DecisionRefusedError(
        'bob is the subject of this containment (bob@example.com) and cannot approve or reject it',
      ),
    );
    await expect(
      decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'bob' }),
    ).rejects.toThrow(/subject of this containment/);
    await expectUnchanged(handle, login, /^bob is the subject/);
    const refused = (await handle.query(statusQuery)).approvals[0]?.refused ?? [];
    expect(refused.map((record) => [record.person, record.decision, record.channel])).toEqual([
      ['bob', 'reject', 'cli'],
      ['bob', 'approve', 'cli'],
    ]);

    // Someone else on call still can.
    await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
    const state = await settle(handle);
    expect(state.steps.find((step) => step.id === 'suspend')?.status).toBe('succeeded');
    expect(state.approvals[0]?.decisions[0]).toMatchObject({
      approver: 'responder',
      person: 'responder',
      channel: 'cli',
      verification: expect.stringMatching(/^Ed25519 key SHA256:[0-9a-f]{16}$/),
    });

    // The audit shows who decided, through which channel and how it was verified, and every refused attempt; and it
    // re-checks the signatures from the history alone.
    const history = await fetchRunHistory(harness.client, workflowId);
    const text = renderText(buildAudit(history)).join('\n');
    expect(text).toMatch(
      /decided {6}approve by responder at .*\n {4}verified {5}via cli: Ed25519 key SHA256:[0-9a-f]{16}/,
    );
    expect(text).toContain('refused      reject claimed by bob via cli at');
    expect(text).toContain('bob is the subject of this containment (bob@example.com) and cannot approve or reject it');
    const checks = await verifyDecisionSignatures(history, { people: testDirectory() });
    expect(checks.map((check) => [check.claimed, check.decision, check.outcome])).toEqual([
      ['bob', 'reject', 'valid'],
      ['bob', 'approve', 'valid'],
      ['responder', 'approve', 'valid'],
    ]);
    expect(checks[2]?.detail).toMatch(/^Ed25519 key SHA256:[0-9a-f]{16}, person responder$/);
  });
  it('refuses an approver whose own account the step changes, when the run names no subject (a campaign by list)', async () => {
    // A campaign's subject is the campaign: carol is neither its subject nor named by a detection, but her account is
    // among those the step suspends, and she is on call (as U0CAROL). The effect plan says whose accounts change.
    const campaign = harness.plan(`
id: contain-listed
title: Suspend every listed account
inputs:
  userIds: { type: list, of: string }
subject: "\${{ size(inputs.userIds) }} listed account(s)"
steps:
  - id: suspend
    action: okta.suspend_user
    forEach: "\${{ inputs.userIds }}"
    with: { userId: "\${{ item }}" }
    approval: { approvers: { groups: [secops-oncall] } }
`);
    const other = okta.addUser({ login: `listed${++counter}@example.com` });
    const carol = okta.addUser({ login: 'carol@example.com' });
    const { handle, workflowId } = await harness.start(campaign, {
      userIds: [other.id, carol.id],
    });
    const approval = await pendingApproval(handle, 'suspend');
    expect(approval.approvers).toContain('responder');
    expect(approval.approvers).not.toContain('U0CAROL');
    await expect(
      decide(harness.client, workflowId, {
        stepId: 'suspend',
        decision: 'reject',
        approver: 'carol',
        reason: 'not me',
      }),
    ).rejects.toThrow(/carol's own account \(carol@example\.com\) is changed by this step/);
    const refused = (await handle.query(statusQuery)).approvals[0];
    expect(refused?.status).toBe('pending');
    expect(refused?.refused?.map((record) => record.person)).toEqual(['carol']);
    expect(okta.changesOf('suspendUser', other.id)).toEqual([]);
    await decide(harness.client, workflowId, { stepId: 'suspend', decision: 'approve', approver: 'responder' });
    expect((await settle(handle)).status).toBe('succeeded');
    expect(okta.changesOf('suspendUser', carol.id)).toHaveLength(1);
  });
});

describe('attack 5: identity is a free string', () => {
  it('refuses an unsigned decision sent straight to the Update with the Temporal client', async () => {
    const { handle, approval, login } = await containment();
    const update = handle.executeUpdate(decideUpdate, {
      args: [{ stepId: 'factors', decision: 'approve', approver: 'responder', inputsHash: approval.inputsHash }],
    });
    await expect(update).rejects.toThrow(/Update failed|not verified/);
    const [attempt] = await decideUpdates(handle);
    expect(attempt).toMatchObject({
      counted: false,
      failure: expect.stringMatching(/not verified: the decision is not signed/),
    });
    await expectUnchanged(handle, login, /^not verified: the decision is not signed/);
    const history = await fetchRunHistory(harness.client, handle.workflowId);
    expect(await verifyDecisionSignatures(history, { people: testDirectory() })).toEqual([
      expect.objectContaining({ claimed: 'responder', outcome: 'unchecked' }),
    ]);
    await handle.cancel();
  });

  it("refuses a decision signed by another key than the claimed approver's", async () => {
    const { handle, workflowId, approval, login } = await containment();
    const forged = signedDecision(
      { privateKey: STRANGER_KEY.privateKey, publicKey: keyOf('responder').publicKey },
      workflowId,
      { stepId: 'factors', decision: 'approve', approver: 'responder', inputsHash: approval.inputsHash },
    );
    await expect(send(harness.client, workflowId, forged)).rejects.toThrow(
      /not verified: the signature by key SHA256:\w+ does not cover/,
    );
    await expectUnchanged(handle, login, /does not cover this run/);
    const history = await fetchRunHistory(harness.client, workflowId);
    expect(await verifyDecisionSignatures(history, { people: testDirectory() })).toEqual([
      expect.objectContaining({ claimed: 'responder', outcome: 'invalid' }),
    ]);
    await handle.cancel();
  });

  it('refuses a key that is not in the people directory', async () => {
    const { handle, workflowId, login } = await containment();
    const stranger = { privateKey: STRANGER_KEY.privateKey, publicKey: STRANGER_KEY.publicKey };
    const decision = { stepId: 'factors', decision: 'approve' as const, approver: 'responder' };
    const { decideWithKey } = await import('../../runs/decide');
    await expect(decideWithKey(harness.client, workflowId, stranger, decision)).rejects.toThrow(
      /not verified: key SHA256:[0-9a-f]{16} is not in the people directory/,
    );
    await expectUnchanged(handle, login, /is not in the people directory/);
    await handle.cancel();
  });

  it('refuses a signed decision replayed to another run', async () => {
    const first = await containment();
    const second = await containment();
    expect(second.approval.inputsHash).not.toBe(first.approval.inputsHash);
    const signed = signedDecision(keyOf('responder'), first.workflowId, {
      stepId: 'factors',
      decision: 'reject',
      approver: 'responder',
      inputsHash: first.approval.inputsHash,
      reason: 'false positive',
    });
    // The other run's hash, so only the signature stands in the way.
    await expect(
      send(harness.client, second.workflowId, { ...signed, inputsHash: second.approval.inputsHash }),
    ).rejects.toThrow(/does not cover this run/);
    await expectUnchanged(second.handle, second.login, /does not cover this run/);

    await first.handle.cancel();
    await second.handle.cancel();
  });

  it('refuses a decision replayed to another step of the same run', async () => {
    const plan = harness.plan(`
id: two-gates
title: Two gates over the same inputs
inputs:
  target: { type: string }
steps:
  - id: first
    action: test.destroy
    with: { target: "\${{ inputs.target }}" }
    approval: { approvers: { users: [responder] } }
  - id: second
    action: test.destroy
    with: { target: "\${{ inputs.target }}" }
    approval: { approvers: { users: [responder] } }
`);
    const { handle, workflowId } = await harness.start(plan, { target: 'replayed-step' });
    const first = await pendingApproval(handle, 'first');
    const second = await pendingApproval(handle, 'second');
    const signed = signedDecision(keyOf('responder'), workflowId, {
      stepId: 'first',
      decision: 'approve',
      approver: 'responder',
      inputsHash: first.inputsHash,
    });
    // The replay names the second step and its current hash (the hash binds each step's effect plan, so the two differ):
    // only the signature, which covers the first step, can refuse it.
    const replayed = { ...signed, stepId: 'second', inputsHash: second.inputsHash };
    await expect(send(harness.client, workflowId, replayed)).rejects.toThrow(/does not cover this run, step/);
    await send(harness.client, workflowId, signed);
    // The approval is accepted before the step runs: wait for the step to end before counting its writes.
    const state = await waitForState(handle, (s) =>
      s.steps.some((step) => step.id === 'first' && stepEnded(step.status)),
    );
    expect(state.approvals.find((approval) => approval.stepId === 'first')?.status).toBe('approved');
    expect(state.approvals.find((approval) => approval.stepId === 'second')?.status).toBe('pending');
    expect(harness.ledger().filter((entry) => entry.target === 'replayed-step' && entry.phase === 'end')).toHaveLength(
      1,
    );
    await handle.cancel();
  });

  it('refuses a valid signature over a stale inputs hash, and a signed decision past its window', async () => {
    const { handle, workflowId, approval, login } = await containment();
    await expect(
      decide(harness.client, workflowId, {
        stepId: 'factors',
        decision: 'approve',
        approver: 'responder',
        inputsHash: 'f'.repeat(64),
      }),
    ).rejects.toThrow(/other inputs/);
    const old = signedDecision(keyOf('responder'), workflowId, {
      stepId: 'factors',
      decision: 'approve',
      approver: 'responder',
      inputsHash: approval.inputsHash,
    });
    // Re-signed as of an hour ago: a captured decision kept for later.
    const { signDecision } = await import('../../people/decision-signature');
    if (old.proof?.kind !== 'key') throw new Error('unreachable');
    const issuedAt = new Date(Date.now() - 3_600_000).toISOString();
    const signature = signDecision(keyOf('responder').privateKey, {
      workflowId,
      stepId: 'factors',
      decision: 'approve',
      inputsHash: approval.inputsHash,
      reason: null,
      issuedAt,
      nonce: old.proof.nonce,
    });
    await expect(
      send(harness.client, workflowId, { ...old, proof: { ...old.proof, issuedAt, signature } }),
    ).rejects.toThrow(/outside the 600s window/);
    await expectUnchanged(handle, login, /outside the 600s window/);
    await handle.cancel();
  });

  it("compares requester and approver as people: a CLI login and the same person's key are one person", async () => {
    const { handle, workflowId, login } = await containment({ requester: 'bob@example.com' });
    await expect(
      decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'bob' }),
    ).rejects.toThrow(new DecisionRefusedError('bob requested this run and cannot approve or reject its steps'));
    await expectUnchanged(handle, login, /requested this run/);
    await handle.cancel();
  });
});

describe('copies of one signed decision sent at the same moment (a double click, a retried request)', () => {
  it('count once, and every run still replays from its history, so a worker restart cannot strand it', async () => {
    // Two decisions verified at once used to resume in another order on replay than they ran (their local activities
    // resolved in one activation instead of two): the history no longer replayed, and a run that lost its cached
    // state to a restart or a task conflict stayed open for good with its containment done.
    const runs = await Promise.all(Array.from({ length: 8 }, () => containment()));
    for (const run of runs) {
      const signed = signedDecision(keyOf('responder'), run.workflowId, {
        stepId: 'factors',
        decision: 'approve',
        approver: 'responder',
        inputsHash: run.approval.inputsHash,
      });
      const answers = await Promise.allSettled([1, 2, 3].map(() => send(harness.client, run.workflowId, signed)));
      expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(1);
      for (const answer of answers) {
        if (answer.status === 'rejected') expect(answer.reason).toBeInstanceOf(DecisionRefusedError);
      }
    }
    const bundle = { code: await readFile(harness.bundlePath, 'utf8') };
    for (const run of runs) {
      await run.handle.result();
      expect(await acceptedDecisions(run.handle)).toHaveLength(1);
      expect(okta.changesOf('suspendUser', okta.user(run.login)?.id)).toHaveLength(1);
      await expect(
        Worker.runReplayHistory({ workflowBundle: bundle }, await run.handle.fetchHistory(), run.workflowId),
        run.workflowId,
      ).resolves.toBeUndefined();
    }
  });
});
