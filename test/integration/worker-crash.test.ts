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

it('retries a step whose worker died within seconds, not after the step timeout', async () => {
  // Found by the fault campaign (issue 15): a worker killed during an Okta call left the step waiting out its whole
  // start-to-close timeout (5 minutes by default) before another worker could run it again.
  const taskQueue = `${harness.taskQueue}-lost`;
  const plan = harness.plan(`
id: lost-worker
title: A lost worker is noticed at once
steps:
  - id: slow
    action: test.mark
    timeout: 5m
    with: { target: slow, holdMs: 4000 }
`);
  const first = await startWorkerProcess(taskQueue);
  const { handle } = await harness.start(plan, {}, { taskQueue });
  await expect
    .poll(() => harness.ledger().some((entry) => entry.activityId === 'slow' && entry.pid === first.pid), {
      timeout: 20_000,
    })
    .toBe(true);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const killedAt = Date.now();
  const second = await startWorkerProcess(taskQueue);
  const result = await handle.result();
  expect(result.status).toBe('succeeded');
  expect(harness.ledger().find((entry) => entry.activityId === 'slow' && entry.phase === 'end')?.pid).toBe(second.pid);
  // Heartbeat timeout (30 s) plus the retry, on a busy machine: far below the 5-minute timeout.
  expect(Date.now() - killedAt).toBeLessThan(60_000);
}, 120_000);
