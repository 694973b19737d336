/**
 * Starting a run: one request to Temporal on the critical path of a containment (issue 11, B2), and a duplicate start
 * of the same containment joins the run already going and says so, even when both starts race.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness?.shutdown());

const holding = (id: string) => `
id: ${id}
title: Hold
inputs:
  login: { type: email }
dedupe: "\${{ inputs.login }}"
steps:
  - id: hold
    action: core.wait
    with: { seconds: 1 }
`;

describe('starting a run', () => {
  it('sends one start request and no describe before it', async () => {
    const service = harness.client.workflowService;
    const describes = vi.spyOn(service, 'describeWorkflowExecution');
    const starts = vi.spyOn(service, 'startWorkflowExecution');
    try {
      const run = await harness.start(harness.plan(holding('start-once')), { login: 'one@example.com' });
      expect(run.started).toBe(true);
      expect(starts).toHaveBeenCalledTimes(1);
      expect(describes).not.toHaveBeenCalled();
      await run.handle.result();
    } finally {
      describes.mockRestore();
      starts.mockRestore();
    }
  });

  it('starts one run when the same containment is started twice at once, and exactly one start says it started', async () => {
    const plan = harness.plan(holding('start-race'));
    const runs = await Promise.all([
      harness.start(plan, { login: 'race@example.com' }),
      harness.start(plan, { login: 'Race@example.com' }),
    ]);
    expect(runs.map((run) => run.started).sort()).toEqual([false, true]);
    expect(new Set(runs.map((run) => run.workflowId)).size).toBe(1);
    const runIds = await Promise.all(runs.map(async (run) => (await run.handle.describe()).runId));
    expect(new Set(runIds).size).toBe(1);
    await Promise.all(runs.map((run) => run.handle.result()));
  });

  it('starts a new run of a containment whose earlier run has ended', async () => {
    const plan = harness.plan(holding('start-again'));
    const first = await harness.start(plan, { login: 'again@example.com' });
    await first.handle.result();
    const firstRunId = (await first.handle.describe()).runId;
    const second = await harness.start(plan, { login: 'again@example.com' });
    expect(second.started).toBe(true);
    expect(second.workflowId).toBe(first.workflowId);
    expect((await second.handle.describe()).runId).not.toBe(firstRunId);
    await second.handle.result();
  });
});
