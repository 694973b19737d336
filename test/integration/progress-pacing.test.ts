/**
 * Progress notifications are paced (issue 11): a run reports its progress at most about once a second, so a playbook
 * of many quick steps does not spend a `cordon.notify` activity and a workflow task on every step. What a person
 * needs is still told at once (approvals, the end of the run), and the last progress is never left untold while a
 * long step runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedActivities } from '../support/history';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness?.shutdown());

function linear(id: string, steps: number, lastHoldMs = 0): string {
  const lines = [`id: ${id}`, 'title: Linear', 'steps:'];
  for (let index = 0; index < steps; index += 1) {
    lines.push(`  - id: s${index}`, '    action: test.read');
    if (index > 0) lines.push(`    needs: [s${index - 1}]`);
    lines.push(`    with: { target: t${index}, holdMs: ${index === steps - 1 ? lastHoldMs : 0} }`);
  }
  return `${lines.join('\n')}\n`;
}

function notifications(counts: Map<string, number>): number {
  return [...counts.entries()]
    .filter(([activityId]) => !/^s\d+$/.test(activityId))
    .reduce((sum, [, count]) => sum + count, 0);
}

describe('progress notifications', () => {
  it('are paced: twelve quick steps cost a few notifications, and the last one tells the whole outcome', async () => {
    const plan = harness.plan(linear('paced-progress', 12));
    const { handle, workflowId } = await harness.start(plan, {});
    expect((await handle.result()).status).toBe('succeeded');
    const counts = await completedActivities(handle);
    expect([...counts.keys()].filter((id) => /^s\d+$/.test(id))).toHaveLength(12);
    // Before pacing: one notification per step and more (13 or so); paced: the first progress, the end, and at
    // most one a second between.
    expect(notifications(counts)).toBeLessThanOrEqual(5);
    const told = harness.events.filter((event) => event.state.workflowId === workflowId);
    const last = told.at(-1);
    expect(last?.kind).toBe('run_finished');
    expect(last?.state.steps.every((step) => step.status === 'succeeded')).toBe(true);
  });

  it('still tell a held-back progress while a long step runs, before the run ends', async () => {
    const plan = harness.plan(linear('paced-progress-long-step', 3, 4_000));
    const { handle, workflowId } = await harness.start(plan, {});
    expect((await handle.result()).status).toBe('succeeded');
    const told = harness.events.filter((event) => event.state.workflowId === workflowId);
    const whileLongStepRan = told.find(
      (event) =>
        event.kind === 'progress' &&
        event.state.steps.find((step) => step.id === 's1')?.status === 'succeeded' &&
        event.state.steps.find((step) => step.id === 's2')?.status === 'running',
    );
    expect(whileLongStepRan).toBeDefined();
  });
});
