/**
 * A held change inside a chunk child workflow (a `forEach` over more than 200 items) shows in `cordon status` of the
 * run, with the limit that holds it and the item's place in the whole list; and the run asks its separate approval
 * naming the limit, as for the changes it runs itself.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { testGovernor } from '../support/governor';
import { chunkHolds } from '../../runs/chunk-holds';
import { chunkLimitVerdictSignal, statusQuery } from '../../workflows/messages';
import { cordon } from '../support/cli';
import { approveWhenAsked, decide } from '../support/people';
import { pendingApproval, settle, waitForState } from '../support/wait';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    governor: testGovernor({ 'test.mark': { max: 3, windowMs: 3_600_000 } }, { forEachMaxItems: 1000 }),
  });
});

afterAll(async () => {
  await harness?.shutdown();
});

it("shows the changes a chunk of a large forEach holds, with the limit, in the run's status", async () => {
  const plan = harness.plan(`
id: mark-many
title: Mark many
inputs:
  targets: { type: list, of: string }
steps:
  - id: mark
    action: test.mark
    forEach: "\${{ inputs.targets }}"
    concurrency: 2
    with: { target: "\${{ item }}" }
`);
  const targets = Array.from({ length: 201 }, (_, index) => `t${index}`);
  const { handle, workflowId } = await harness.start(plan, { targets });
  try {
    const running = await waitForState(handle, (state) => state.steps[0]?.status === 'running', 30_000);
    let held = await chunkHolds(harness.client, running);
    for (let tries = 0; held.length < 2 && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      held = await chunkHolds(harness.client, await handle.query(statusQuery));
    }
    expect(held).toHaveLength(2);
    expect(held[0]).toMatchObject({
      stepId: 'mark',
      limit: 'test.mark',
      description: 'test.mark: at most 3 per 1h (3 used)',
      activityId: expect.stringMatching(/^mark\[\d+\]$/),
    });
    // The parent's own status Query cannot see the chunk's holds; `cordon status` asks the chunks.
    expect((await handle.query(statusQuery)).holds).toBeUndefined();
    const status = await cordon(['status', workflowId], {
      TEMPORAL_ADDRESS: harness.address,
      TEMPORAL_NAMESPACE: harness.namespace,
      CORDON_TASK_QUEUE: harness.taskQueue,
    });
    expect(status.stdout).toContain('held: step "mark" (2 changes) by the limit test.mark: at most 3 per 1h (3 used)');
  } finally {
    await handle.terminate('the test is done');
  }
});

/**
 * A run marking 201 targets (two chunks), approved as a step, whose changes the limit holds (used up by the first
 * test, or by the first three): it has asked the separate approval naming the limit.
 */
async function heldInChunks(prefix: string) {
  const plan = harness.plan(`
id: mark-many-${prefix}
title: Mark many, with approval
inputs:
  targets: { type: list, of: string }
steps:
  - id: mark
    action: test.mark
    forEach: "\${{ inputs.targets }}"
    concurrency: 4
    with: { target: "\${{ item }}" }
    approval: { approvers: { users: [responder] } }
`);
  const targets = Array.from({ length: 201 }, (_, index) => `${prefix}-${index}`);
  const { handle, workflowId } = await harness.start(plan, { targets });
  await approveWhenAsked(harness.client, handle, 'mark');
  const limitGate = await pendingApproval(handle, 'limit:mark:test.mark');
  return { handle, workflowId, limitGate };
}

it('asks the run for the separate approval naming the limit, and once approved the chunks go past it, none lost', async () => {
  const { handle, workflowId, limitGate } = await heldInChunks('approved');
  try {
    expect(limitGate.shown).toEqual({ limit: 'test.mark: at most 3 per 1h (3 used)', step: 'mark' });
    expect(marked('approved-')).toBeLessThanOrEqual(3);
    await decide(harness.client, workflowId, {
      stepId: 'limit:mark:test.mark',
      decision: 'approve',
      approver: 'responder',
    });
    const state = await settle(handle);
    expect(state.status).toBe('succeeded');
    expect(marked('approved-')).toBe(201);
    // One request, however many chunks and items met the limit.
    expect(state.approvals.filter((approval) => approval.stepId.startsWith('limit:'))).toHaveLength(1);
  } finally {
    await handle.terminate('the test is done').catch(() => undefined);
  }
}, 180_000);

it("refuses a chunk's limit approval that only a signal claims: the worker reads it in the run first", async () => {
  const { handle, workflowId } = await heldInChunks('forged');
  try {
    const before = marked('forged-');
    // Anyone who can reach the namespace can signal a chunk; the verdict names an approval the run never gave.
    await harness.client.workflow.getHandle(`${workflowId}/mark/0`).signal(chunkLimitVerdictSignal, {
      stepId: 'mark',
      limit: 'test.mark',
      outcome: { approved: true, by: 'mallory' },
    });
    // Long enough for the chunk to try its held changes again (the limit's recheck is 1 s).
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(marked('forged-')).toBe(before);
    const state = await handle.query(statusQuery);
    expect(state.approvals.find((approval) => approval.stepId === 'limit:mark:test.mark')?.status).toBe('pending');
    expect((await chunkHolds(harness.client, state)).length).toBeGreaterThan(0);
  } finally {
    await handle.terminate('the test is done').catch(() => undefined);
  }
}, 120_000);

it("asks the limit approval of a step covered by another step's gate from that gate's approvers", async () => {
  // The campaign's factor resets are covered by the suspension's approval and have no gate of their own; held by a
  // limit, they waited for room that a per-run cap never gives back (the cluster test: 100 of 200 held for a day).
  const plan = harness.plan(`
id: covered-limit
title: A covered step held by a limit
inputs:
  targets: { type: list, of: string }
steps:
  - id: first
    action: test.destroy
    with: { target: gate-of-covered }
    approval: { approvers: { users: [responder] }, covers: [mark] }
  - id: mark
    action: test.mark
    needs: [first]
    forEach: "\${{ inputs.targets }}"
    with: { target: "\${{ item }}" }
`);
  const targets = Array.from({ length: 5 }, (_, index) => `covered-${index}`);
  const { handle, workflowId } = await harness.start(plan, { targets });
  try {
    await approveWhenAsked(harness.client, handle, 'first');
    const limitGate = await pendingApproval(handle, 'limit:mark:test.mark');
    expect(limitGate.approvers).toEqual(['responder']);
    await decide(harness.client, workflowId, {
      stepId: 'limit:mark:test.mark',
      decision: 'approve',
      approver: 'responder',
    });
    expect((await settle(handle)).status).toBe('succeeded');
    expect(marked('covered-')).toBe(5);
  } finally {
    await handle.terminate('the test is done').catch(() => undefined);
  }
}, 120_000);

/** How many distinct targets with this prefix were marked (each once). */
function marked(prefix: string): number {
  const ends = harness.ledger().filter((entry) => entry.target.startsWith(prefix) && entry.phase === 'end');
  expect(new Set(ends.map((entry) => entry.target)).size).toBe(ends.length);
  return ends.length;
}
