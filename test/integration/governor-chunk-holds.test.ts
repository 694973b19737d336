/**
 * A held change inside a chunk child workflow (a `forEach` over more than 200 items) shows in `cordon status` of the
 * run, with the limit that holds it and the item's place in the whole list.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
// The harness (and the activities it loads) first: config/governor is part of an import cycle through config/config.
import { startHarness, type Harness } from '../support/harness';
import { DEFAULT_GOVERNOR } from '../../config/governor';
import { chunkHolds } from '../../runs/chunk-holds';
import { statusQuery } from '../../workflows/messages';
import { cordon } from '../support/cli';
import { waitForState } from '../support/wait';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    governor: {
      ...DEFAULT_GOVERNOR,
      limits: { 'test.mark': { max: 3, windowMs: 3_600_000 } },
      forEachMaxItems: 1000,
      recheckMs: 1_000,
      maxHoldMs: 600_000,
    },
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
