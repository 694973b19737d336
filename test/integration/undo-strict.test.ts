/**
 * `cordon undo` under strict mode (`CORDON_STRICT_PLAYBOOKS`): the generated undo playbook is not one of the files the
 * worker was given, so the worker accepts it only when it makes exactly that plan itself from the run it undoes (whose
 * own playbook must be one it was given), with that playbook's own approvers. Anything else naming `undo.of` is
 * refused: the marker is no way around strict mode.
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
import { compilePlaybookSource } from '../../dsl';
import { sourceHash } from '../../dsl/compile';
import { undoRun, type UndoOptions } from '../../runs/undo-run';
import { startRun } from '../../runs/start-run';
import type { Plan } from '../../dsl/plan';
import type { UndoOf } from '../../workflows/run-input';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startHarness, type Harness } from '../support/harness';
import { approveWhenAsked, decide } from '../support/people';
import { failureOf, pendingApproval, settle } from '../support/wait';
import { playbookApprovers, readUndoneRun, undoPlanFile, undoScopeOf, undoSourceOf } from '../../runs/undone-run';
import { alertSignal, statusQuery } from '../../workflows/messages';

const playbooks = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');
const COMPROMISE = path.join(playbooks, 'okta-account-compromise.yaml');

let okta: OktaStandIn;
let harness: Harness;
let compromise: string;

beforeAll(async () => {
  okta = await startOktaStandIn();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  compromise = await readFile(COMPROMISE, 'utf8');
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    effects: asEffectMap(createOktaEffects(client)),
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
    gate: { knownPlaybooks: new Set([sourceHash(compromise)]) },
  });
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

function undoOptions(): UndoOptions {
  return { requester: 'carol', trigger: { kind: 'cli' }, taskQueue: harness.taskQueue, registry: harness.registry };
}

/** A finished containment of a new user by the given playbook: the user is suspended. */
async function containedUser(login: string, whileWaiting?: (handle: WorkflowHandle) => Promise<void>) {
  const user = okta.addUser({ login, sessions: 1, factors: ['sms'] });
  const { handle, workflowId } = await harness.start(harness.plan(compromise, COMPROMISE), { login });
  await pendingApproval(handle, 'factors');
  await whileWaiting?.(handle);
  await decide(harness.client, workflowId, { stepId: 'factors', decision: 'approve', approver: 'responder' });
  await handle.result();
  expect(okta.user(user.id)?.status).toBe('SUSPENDED');
  return { user, workflowId };
}

/** Starts `plan` as carol, by hand, marked as the undo `undo` of `workflowId` (what a forged undo would send). */
function startUndoOf(workflowId: string, plan: Plan, undo: UndoOf) {
  return startRun(harness.client, {
    plan,
    inputs: {},
    requester: 'carol',
    trigger: { kind: 'cli', reference: workflowId },
    taskQueue: harness.taskQueue,
    undo,
  });
}

async function waitForApproval(handle: WorkflowHandle) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await handle.query(statusQuery);
    const pending = state.approvals.find((approval) => approval.status === 'pending');
    if (pending) return pending;
    if (state.endedAt) throw new Error(`the undo ended without asking: ${state.status}`);
    if (Date.now() > deadline) throw new Error('the undo never asked for approval');
    await sleep(200);
  }
}

describe('cordon undo in strict mode', () => {
  it('runs the undo the worker makes itself of a run of a given playbook, and restores the account', async () => {
    const { user, workflowId } = await containedUser('sam.strict@example.com');
    const undo = await undoRun(harness.client, workflowId, undoOptions());
    const undoHandle = harness.client.workflow.getHandle(undo.workflowId);
    const approval = await waitForApproval(undoHandle);
    await decide(harness.client, undo.workflowId, {
      stepId: approval.stepId,
      decision: 'approve',
      approver: 'responder',
    });
    const state = await settle(undoHandle);
    expect(state.status).toBe('succeeded');
    expect(okta.user(user.id)?.status).toBe('ACTIVE');
  });

  it('refuses an undo approved by others than the undone playbook names, saying so', async () => {
    const { user, workflowId } = await containedUser('ria.strict@example.com');
    const undo = await undoRun(harness.client, workflowId, {
      ...undoOptions(),
      approvers: { users: [], groups: ['secops-leads'] },
    });
    const message = await failureOf(harness.client.workflow.getHandle(undo.workflowId));
    expect(message).toContain(
      `strict mode: an undo approved by others than the approvers playbook okta-account-compromise names (groups secops-oncall, secops-leads) is refused: this one names groups secops-leads`,
    );
    expect(okta.user(user.id)?.status).toBe('SUSPENDED');
  });

  it('refuses a plan marked as the undo of a run that is not the undo the worker makes of it', async () => {
    const { workflowId } = await containedUser('max.strict@example.com');
    // An account an admin suspended, outside any run: a forged "undo" would reactivate it.
    const held = okta.addUser({ login: 'held.strict@example.com', status: 'SUSPENDED' });
    const forged = `
id: undo-okta-account-compromise
title: Undo ${workflowId}
steps:
  - id: undo_suspend
    action: okta.unsuspend_user
    with: { userId: ${held.id} }
    approval:
      approvers: { groups: [secops-oncall, secops-leads] }
      timeout: 1h
      onTimeout: reject
`;
    const plan = compilePlaybookSource(forged, `undo of ${workflowId}`, harness.registry);
    const { handle } = await startUndoOf(workflowId, plan, { of: workflowId });
    const message = await failureOf(handle);
    expect(message).toMatch(
      new RegExp(
        `strict mode: playbook undo-okta-account-compromise .* is not the undo this worker makes of run ${workflowId}`,
      ),
    );
    expect(okta.user(held.id)?.status).toBe('SUSPENDED');
  });

  it('refuses the undo when its marker leaves out whom the undone run’s detections named', async () => {
    const { workflowId } = await containedUser('nia.strict@example.com', (handle) =>
      handle.signal(alertSignal, {
        source: 'okta',
        summary: 'user.session.start from the attacker network',
        data: { actor: { type: 'User', alternateId: 'erin@example.com' }, target: [] },
      }),
    );
    // The very plan the worker would make, started with a marker that drops erin from those who may not decide.
    const run = await readUndoneRun(harness.client, workflowId);
    const source = undoSourceOf(run, undoScopeOf(run), playbookApprovers(run.plan));
    const plan = compilePlaybookSource(source, undoPlanFile(workflowId), harness.registry);
    const { handle } = await startUndoOf(workflowId, plan, { of: workflowId, named: [] });
    expect(await failureOf(handle)).toContain(
      `strict mode: the undo of run ${workflowId} leaves out of its deciders' exclusions whom that run's detections named: erin@example.com`,
    );
  });

  it('refuses the undo of a run whose playbook is not one of those the worker was given', async () => {
    // Started on a worker without strict mode, sharing the namespace: its playbook is no file this worker knows.
    const lax = await startHarness({ groups: { 'secops-oncall': ['responder'] } });
    try {
      const other = lax.plan(`
id: lax-playbook
title: Not a given playbook
steps:
  - id: note
    action: test.mark
    with: { target: one }
    approval: { approvers: { groups: [secops-oncall] } }
`);
      const { handle, workflowId } = await lax.start(other, {});
      await approveWhenAsked(lax.client, handle, 'note');
      await handle.result();
      const undo = await undoRun(harness.client, workflowId, undoOptions());
      const message = await failureOf(harness.client.workflow.getHandle(undo.workflowId));
      expect(message).toMatch(
        new RegExp(
          `strict mode: run ${workflowId} ran playbook lax-playbook \\(sha256 [0-9a-f]{12}…\\), which is not one of the 1 playbooks this worker was given, so its undo is not run`,
        ),
      );
    } finally {
      await lax.shutdown();
    }
  });
});
