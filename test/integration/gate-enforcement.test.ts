/**
 * The approval gate holds against anyone who can reach Temporal (issue 10, part 1): whoever starts what, with whatever
 * plan, the worker decides what is destructive from its own catalogue, runs internal workflows only under their
 * `runPlaybook` parent, and refuses self-approving gates and unapproved destructive undo. Real dev server, the real Okta
 * SDK against the local Okta.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaConfigSchema } from '../../config/okta';
import { compilePlaybook, playbookSchema, sourceHash } from '../../dsl';
import type { Plan } from '../../dsl/plan';
import { parseDocument } from 'yaml';
import { approveWhenAsked, decide } from '../support/people';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval, settle } from '../support/wait';
import { statusQuery } from '../../workflows/messages';

let okta: OktaStandIn;
let harness: Harness;

beforeAll(async () => {
  okta = await startOktaStandIn();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    groups: { 'secops-oncall': ['responder'] },
  });
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

/** How a workflow ended within `ms`: its failure's type and message, `completed`, or `still running` (then ended). */
async function outcome(handle: WorkflowHandle, ms = 20_000): Promise<{ type: string; message: string }> {
  const ended = await Promise.race([
    handle.result().then(
      () => ({ type: 'completed', message: '' }),
      (error: unknown) => {
        const cause = error instanceof WorkflowFailedError ? error.cause : error;
        if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
        return { type: 'Error', message: error instanceof Error ? error.message : String(error) };
      },
    ),
    sleep(ms).then(() => ({ type: 'still running', message: '' })),
  ]);
  if (ended.type === 'still running') await handle.terminate('test over').catch(() => undefined);
  return ended;
}

/** Compiles YAML without the linter, as a hand-made plan would be: source and plan agree, the rules do not hold. */
function compileUnlinted(yaml: string): Plan {
  const playbook = playbookSchema.parse(parseDocument(yaml).toJS());
  return compilePlaybook(playbook, yaml, harness.registry, 'hand-made.yaml');
}

const SUSPEND_EACH = `
id: suspend-each
title: Suspend each user
inputs:
  userIds: { type: list, of: string }
steps:
  - id: suspend
    action: okta.suspend_user
    forEach: "\${{ inputs.userIds }}"
    with: { userId: "\${{ item }}" }
    approval: { approvers: { groups: [secops-oncall] } }
`;

describe('attack 1: an internal workflow started directly', () => {
  it('refuses a runItemsChunk started by a client, and the user at Okta stays active', async () => {
    const bob = okta.addUser({ login: 'bob.chunk@example.com', sessions: 1 });
    const step = harness.plan(SUSPEND_EACH).steps[0];
    const handle = await harness.client.workflow.start('runItemsChunk', {
      taskQueue: harness.taskQueue,
      workflowId: `attack-chunk-${Date.now()}`,
      args: [{ step, inputs: [{ userId: bob.id }], items: [bob.id], offset: 0, concurrency: 1 }],
    });
    const ended = await outcome(handle);
    expect(ended.type).toBe('NotApproved');
    expect(ended.message).toMatch(/runItemsChunk runs only as a child of a runPlaybook run/);
    expect(okta.user(bob.id)?.status).toBe('ACTIVE');
    expect(okta.changesOf('suspendUser', bob.id)).toHaveLength(0);
  });

  it('refuses a takedownMonitor started by a client before it checks or reports anything', async () => {
    const handle = await harness.client.workflow.start('takedownMonitor', {
      taskQueue: harness.taskQueue,
      workflowId: `attack-monitor-${Date.now()}`,
      args: [{ domain: 'twilio-okta.com', reportedAt: new Date().toISOString(), reportedTo: [] }],
    });
    const ended = await outcome(handle);
    expect(ended.type).toBe('NotApproved');
    expect(ended.message).toMatch(/takedownMonitor runs only as a child of a runPlaybook run/);
    const history = await handle.fetchHistory();
    expect(history.events?.some((event) => event.activityTaskScheduledEventAttributes)).toBe(false);
  });

  it('still runs chunks that a runPlaybook run started, once approved', async () => {
    const users = Array.from({ length: 201 }, (_, index) =>
      okta.addUser({ login: `chunked-${index}@example.com`, sessions: 0 }),
    );
    const { handle } = await harness.start(harness.plan(SUSPEND_EACH), {
      userIds: users.map((user) => user.id),
    });
    await approveWhenAsked(harness.client, handle, 'suspend');
    const state = await settle(handle);
    expect(state.status).toBe('succeeded');
    expect(users.every((user) => okta.user(user.id)?.status === 'SUSPENDED')).toBe(true);
  }, 120_000);
});

describe('attack 2: the plan says how dangerous its own steps are', () => {
  const GATED = `
id: gated-suspend
title: Suspend
inputs:
  userId: { type: string }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.userId }}" }
    approval: { approvers: { groups: [secops-oncall] } }
`;

  it('refuses a plan that calls okta.suspend_user with impact read and no gate', async () => {
    const carol = okta.addUser({ login: 'carol.impact@example.com', sessions: 1 });
    const plan = harness.plan(GATED);
    const tampered: Plan = {
      ...plan,
      steps: plan.steps.map(({ approval: _approval, ...step }) => ({ ...step, impact: 'read' as const })),
    };
    const { handle } = await harness.start(tampered, { userId: carol.id });
    const ended = await outcome(handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/okta.suspend_user is destructive/);
    expect(okta.user(carol.id)?.status).toBe('ACTIVE');
  });

  it('refuses a destructive step without a gate, and the closed run says so rather than running', async () => {
    const erin = okta.addUser({ login: 'erin.ungated@example.com', sessions: 1 });
    const plan = harness.plan(GATED);
    const ungated: Plan = { ...plan, steps: plan.steps.map(({ approval: _approval, ...step }) => step) };
    const { handle } = await harness.start(ungated, { userId: erin.id });
    const ended = await outcome(handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/without an approval gate/);
    const state = await handle.query(statusQuery);
    expect(state.status).toBe('failed');
    for (const step of state.steps) {
      expect(step.status).toBe('skipped');
      expect(step.reason).toMatch(/^the worker refused the run: .*without an approval gate/);
    }
    expect(okta.user(erin.id)?.status).toBe('ACTIVE');
  });

  it('refuses a plan whose approvers are not those of its own playbook source', async () => {
    const dave = okta.addUser({ login: 'dave.approvers@example.com', sessions: 1 });
    const plan = harness.plan(GATED);
    const tampered: Plan = {
      ...plan,
      steps: plan.steps.map((step) =>
        step.approval
          ? { ...step, approval: { ...step.approval, approvers: { users: ['mallory'], groups: [] } } }
          : step,
      ),
    };
    const { handle } = await harness.start(tampered, { userId: dave.id });
    const ended = await outcome(handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/steps\.suspend\.approval.*does not match what its playbook source compiles to/);
    expect(okta.user(dave.id)?.status).toBe('ACTIVE');
  });

  it('refuses a plan naming an action the worker does not know', async () => {
    const plan = harness.plan(GATED);
    const tampered: Plan = {
      ...plan,
      steps: plan.steps.map((step) => ({ ...step, action: 'okta.delete_everything', impact: 'read' as const })),
    };
    const ended = await outcome((await harness.start(tampered, { userId: 'x' })).handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/okta.delete_everything/);
  });
});

describe('attack 3: approval by nobody', () => {
  it('refuses a destructive gate that approves itself on timeout without an unattended reason', async () => {
    const erin = okta.addUser({ login: 'erin.timeout@example.com', sessions: 1 });
    const plan = compileUnlinted(`
id: self-approving
title: Approves itself
inputs:
  userId: { type: string }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.userId }}" }
    approval: { approvers: { groups: [secops-oncall] }, timeout: 1s, onTimeout: approve }
`);
    const ended = await outcome((await harness.start(plan, { userId: erin.id })).handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/onTimeout is approve on destructive okta.suspend_user/);
    expect(okta.user(erin.id)?.status).toBe('ACTIVE');
  });

  it('approves on timeout when the playbook states why, and records the reason', async () => {
    const fay = okta.addUser({ login: 'fay.timeout@example.com', sessions: 1 });
    const plan = harness.plan(`
id: self-approving-stated
title: Approves itself, for a stated reason
inputs:
  userId: { type: string }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.userId }}" }
    approval: { approvers: { groups: [secops-oncall] }, timeout: 1s, onTimeout: approve }
    unattended: { reason: the CISO approved suspending every account in this incident in advance }
`);
    const state = await settle((await harness.start(plan, { userId: fay.id })).handle);
    expect(state.steps[0]?.status).toBe('succeeded');
    expect(state.approvals[0]?.decisions[0]?.reason).toMatch(/the CISO approved suspending every account/);
    expect(okta.user(fay.id)?.status).toBe('SUSPENDED');
  });

  const UNDO_DEACTIVATES = (undo: string) => `
id: undo-deactivates
title: Undo that deactivates
inputs:
  userId: { type: string }
onFailure: undo
steps:
  - id: sessions
    action: okta.clear_sessions
    with: { userId: "\${{ inputs.userId }}" }
${undo}
  - id: boom
    action: core.fail
    needs: [sessions]
    with: { message: boom }
    retry: { maximumAttempts: 1 }
`;

  it('refuses a plan whose destructive undo action has no approval', async () => {
    const gus = okta.addUser({ login: 'gus.undo@example.com', sessions: 1 });
    const plan = compileUnlinted(
      UNDO_DEACTIVATES('    undo: { action: okta.deactivate_user, with: { userId: "${{ input.userId }}" } }'),
    );
    const ended = await outcome((await harness.start(plan, { userId: gus.id })).handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/undo.action okta.deactivate_user is destructive/);
    expect(okta.user(gus.id)?.status).toBe('ACTIVE');
    expect(okta.changesOf('deactivateUser', gus.id)).toHaveLength(0);
  });

  it('asks for approval before a destructive undo, and runs it only once approved', async () => {
    const hal = okta.addUser({ login: 'hal.undo@example.com', sessions: 1 });
    const plan = harness.plan(
      UNDO_DEACTIVATES(`    undo:
      action: okta.deactivate_user
      with: { userId: "\${{ input.userId }}" }
      approval: { approvers: { groups: [secops-oncall] } }`),
    );
    const { handle, workflowId } = await harness.start(plan, { userId: hal.id });
    const approval = await pendingApproval(handle, 'undo:sessions');
    expect(approval.action).toBe('okta.deactivate_user');
    expect(approval.impact).toBe('destructive');
    expect(okta.changesOf('deactivateUser', hal.id)).toHaveLength(0);
    await decide(harness.client, workflowId, { stepId: 'undo:sessions', decision: 'approve', approver: 'responder' });
    const state = await settle(handle);
    expect(state.steps.find((step) => step.id === 'sessions')?.status).toBe('undone');
    expect(okta.user(hal.id)?.status).toBe('DEPROVISIONED');
  });
});

describe('strict mode: only the playbooks the worker was given', () => {
  const GIVEN = `
id: given
title: A playbook the worker was given
steps:
  - id: log
    action: core.log
    with: { message: hello }
`;
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ gate: { knownPlaybooks: new Set([sourceHash(GIVEN)]) } });
  });
  afterAll(async () => strict?.shutdown());

  it('runs a playbook among those given', async () => {
    const state = await settle((await strict.start(strict.plan(GIVEN), {})).handle);
    expect(state.status).toBe('succeeded');
  });

  it('refuses any other playbook, however well it lints', async () => {
    const other = GIVEN.replace('hello', 'hello from elsewhere');
    const ended = await outcome((await strict.start(strict.plan(other), {})).handle);
    expect(ended.type).toBe('InvalidPlan');
    expect(ended.message).toMatch(/strict mode: playbook given .* is not one of the 1 playbooks this worker was given/);
  });
});
