/**
 * The kill switch (issue 13): `cordon pause` stops every new change of the task queue within one step, running reads
 * finish, and `cordon resume` lets changes run again. Real dev server, real worker.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause, pauseState, resume } from '../../runs/kill-switch';
import { statusQuery } from '../../workflows/messages';
import { cordon } from '../support/cli';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await resume(harness.client, harness.taskQueue, 'test teardown').catch(() => undefined);
  await harness?.shutdown();
});

const READ_THEN_CHANGE = `
id: read-then-change
title: A slow read, then a change
inputs:
  target: { type: string }
steps:
  - id: look
    action: test.read
    with: { target: "\${{ inputs.target }}", holdMs: 4000 }
  - id: mark
    action: test.mark
    needs: [look]
    with: { target: "\${{ inputs.target }}" }
`;

describe('cordon pause and cordon resume', () => {
  it('stops the next change of a run in flight while its running read finishes, and resume lets changes run', async () => {
    const plan = harness.plan(READ_THEN_CHANGE);
    const { handle } = await harness.start(plan, { target: 'alice' });
    // The read holds 4 s, so the pause lands while it runs even on a loaded machine; the run may take a while to start.
    await expect
      .poll(() => harness.ledger().some((entry) => entry.action === 'test.read' && entry.phase === 'start'), {
        timeout: 60_000,
        interval: 50,
      })
      .toBe(true);
    const state = await pause(harness.client, harness.taskQueue, { by: 'responder', reason: 'detection misfiring' });
    expect(state).toMatchObject({ by: 'responder', reason: 'detection misfiring' });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const run = await handle.query(statusQuery);
    expect(run.steps.find((step) => step.id === 'look')).toMatchObject({ status: 'succeeded' });
    expect(run.steps.find((step) => step.id === 'mark')).toMatchObject({
      status: 'failed',
      error: { type: 'Paused', message: expect.stringContaining('cordon is paused (by responder') },
    });
    expect(harness.ledger().filter((entry) => entry.action === 'test.mark')).toEqual([]);

    // Pausing again keeps the first pause; resuming turns it off once.
    await pause(harness.client, harness.taskQueue, { by: 'someone else', reason: 'again' });
    expect(await pauseState(harness.client, harness.taskQueue)).toMatchObject({ by: 'responder' });
    expect(await resume(harness.client, harness.taskQueue, 'responder')).toBe(true);
    expect(await resume(harness.client, harness.taskQueue, 'responder')).toBe(false);
    expect(await pauseState(harness.client, harness.taskQueue)).toBeUndefined();

    const again = await harness.start(plan, { target: 'bob' });
    await again.handle.result();
    expect(
      harness
        .ledger()
        .filter((entry) => entry.action === 'test.mark')
        .map((entry) => entry.target),
    ).toEqual(['bob', 'bob']);
  });

  it('is turned on and off by `cordon pause` and `cordon resume`, which refuse a pause without a reason', async () => {
    const env = {
      TEMPORAL_ADDRESS: harness.address,
      TEMPORAL_NAMESPACE: harness.namespace,
      CORDON_TASK_QUEUE: harness.taskQueue,
      CORDON_USER: 'carol',
    };
    const refused = await cordon(['pause'], env);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--reason TEXT is required') });
    expect(await pauseState(harness.client, harness.taskQueue)).toBeUndefined();

    const paused = await cordon(['pause', '--reason', 'mass suspension under way'], env);
    expect(paused.stdout).toContain(`paused task queue ${harness.taskQueue} (by carol`);
    expect(await pauseState(harness.client, harness.taskQueue)).toMatchObject({
      by: 'carol',
      reason: 'mass suspension under way',
    });
    const resumed = await cordon(['resume'], env);
    expect(resumed.stdout).toContain(
      `resumed task queue ${harness.taskQueue} (paused by carol: mass suspension under way)`,
    );
    expect(await pauseState(harness.client, harness.taskQueue)).toBeUndefined();
  });
});
