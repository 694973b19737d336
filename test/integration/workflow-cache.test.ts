/**
 * A worker keeps a bounded number of runs in memory (issue 11, B4): runs waiting at an approval gate beyond that bound
 * are evicted, and replayed from their history when their decision comes. Here the cache holds 2 runs while 5 wait;
 * every approval still counts, and replaying does not run a step twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../support/people';
import { startHarness, type Harness } from '../support/harness';

const CACHE = 2;
const RUNS = 5;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['alice', 'bob'] }, maxCachedWorkflows: CACHE });
});
afterAll(async () => harness?.shutdown());

const gated = `
id: cache-gated
title: Gated, many at once
inputs:
  target: { type: string }
steps:
  - id: prepare
    action: test.read
    with: { target: "\${{ inputs.target }}" }
  - id: destroy
    action: test.destroy
    needs: [prepare]
    with: { target: "\${{ inputs.target }}" }
    approval:
      approvers: { groups: [oncall] }
`;

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe('a worker with a bounded workflow cache', () => {
  it('evicts runs waiting at a gate beyond its bound, and completes each once approved, running each step once', async () => {
    const plan = harness.plan(gated);
    const targets = Array.from({ length: RUNS }, (_, index) => `cached-${index}`);
    const runs = await Promise.all(targets.map((target) => harness.start(plan, { target })));
    const waiting = () =>
      new Set(harness.events.flatMap((event) => (event.kind === 'approval_requested' ? [event.state.workflowId] : [])));
    await until(`all ${RUNS} runs wait at their gate`, () => runs.every((run) => waiting().has(run.workflowId)));

    // Five runs wait, but the worker holds at most two of them: the others were evicted.
    const status = harness.worker.worker.getStatus();
    expect(status.numCachedWorkflows).toBeLessThanOrEqual(CACHE);

    for (const run of runs) {
      await decide(harness.client, run.workflowId, { stepId: 'destroy', decision: 'approve', approver: 'alice' });
    }
    const results = await Promise.all(runs.map((run) => run.handle.result()));
    for (const result of results) {
      expect(result.steps.map((step) => [step.id, step.status])).toEqual([
        ['prepare', 'succeeded'],
        ['destroy', 'succeeded'],
      ]);
    }
    expect(harness.worker.worker.getStatus().numCachedWorkflows).toBeLessThanOrEqual(CACHE);
    // Replaying an evicted run re-runs its workflow code, never its actions: each ran once per target.
    const ends = harness.ledger().filter((entry) => entry.phase === 'end' && targets.includes(entry.target));
    for (const target of targets) {
      expect(ends.filter((entry) => entry.target === target).map((entry) => entry.action)).toEqual([
        'test.read',
        'test.destroy',
      ]);
    }
  }, 120_000);
});
