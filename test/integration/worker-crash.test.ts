import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { completedActivities } from '../support/history';
import { spawnWorkerProcess } from '../support/spawn-worker';
import { waitForState } from '../support/wait';

let harness: Harness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The in-process worker of the harness listens on another queue; the run below goes to the child processes' queue.
  harness = await startHarness();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await harness?.shutdown();
});

function startWorkerProcess(taskQueue: string): Promise<ChildProcess> {
  const started = spawnWorkerProcess(harness, taskQueue);
  void started.then((child) => children.push(child));
  return started;
}

it('completes a run after its worker is killed mid-step, with no step completed twice', async () => {
  const taskQueue = `${harness.taskQueue}-crash`;
  const plan = harness.plan(`
id: crash-test
title: Survive a worker crash
steps:
  - id: before
    action: test.mark
    with: { target: before }
  - id: long
    action: test.mark
    needs: [before]
    timeout: 5s
    with: { target: long, holdMs: 3000 }
  - id: after
    action: test.mark
    needs: [long]
    with: { target: after }
`);
  const first = await startWorkerProcess(taskQueue);
  const { handle } = await harness.start(plan, {}, { taskQueue });
  await waitForState(handle, (state) => state.steps[1]?.status === 'running');
  await expect
    .poll(() => harness.ledger().some((entry) => entry.activityId === 'long'), { timeout: 10_000 })
    .toBe(true);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));

  const second = await startWorkerProcess(taskQueue);
  const result = await handle.result();
  expect(result.status).toBe('succeeded');

  const completions = await completedActivities(handle);
  for (const id of ['before', 'long', 'after']) expect(completions.get(id)).toBe(1);
  const ends = harness.ledger().filter((entry) => entry.phase === 'end');
  expect(ends.map((entry) => entry.activityId).sort()).toEqual(['after', 'before', 'long']);
  // The long step started on the killed worker and finished on the new one.
  const longStarts = harness.ledger().filter((entry) => entry.activityId === 'long' && entry.phase === 'start');
  expect(longStarts.map((entry) => entry.pid)).toEqual([first.pid, second.pid]);
  expect(ends.find((entry) => entry.activityId === 'long')?.pid).toBe(second.pid);
});
