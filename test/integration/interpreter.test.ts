import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { failureOf, settle, waitForState } from '../support/wait';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness?.shutdown());

function interval(entries: ReturnType<Harness['ledger']>, activityId: string) {
  const start = entries.find((entry) => entry.activityId === activityId && entry.phase === 'start');
  const end = entries.find((entry) => entry.activityId === activityId && entry.phase === 'end');
  if (!start || !end) throw new Error(`no interval for ${activityId}`);
  return { start: start.at, end: end.at };
}

describe('the interpreter', () => {
  it('runs two independent steps after a common one at the same time', async () => {
    const plan = harness.plan(`
id: fan-out
title: Fan out
steps:
  - id: first
    action: test.read
    with: { target: root }
  - id: left
    action: test.mark
    needs: [first]
    with: { target: "\${{ steps.first.output.target }}-left", holdMs: 1500 }
  - id: right
    action: test.mark
    needs: [first]
    with: { target: right, holdMs: 1500 }
`);
    const { handle } = await harness.start(plan, {});
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    const ledger = harness.ledger();
    const left = interval(ledger, 'left');
    const right = interval(ledger, 'right');
    const first = interval(ledger, 'first');
    expect(left.start).toBeGreaterThanOrEqual(first.end);
    expect(right.start).toBeGreaterThanOrEqual(first.end);
    // The two intervals overlap: each started before the other ended.
    expect(left.start).toBeLessThan(right.end);
    expect(right.start).toBeLessThan(left.end);
    expect(ledger.find((entry) => entry.activityId === 'left')?.target).toBe('root-left');
  });

  it('skips a step whose condition is false and runs the one whose condition holds', async () => {
    const plan = harness.plan(`
id: conditions
title: Conditions
inputs:
  dryRun: { type: boolean, default: true }
steps:
  - id: act
    action: test.mark
    if: inputs.dryRun == false
    with: { target: real }
  - id: report
    action: test.read
    if: "\${{ inputs.dryRun }}"
    with: { target: report }
`);
    const state = await settle((await harness.start(plan, {})).handle);
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['act', 'skipped'],
      ['report', 'succeeded'],
    ]);
    expect(state.steps[0]?.reason).toContain('condition is false');
  });

  it('runs a forEach step once per item, never more than its concurrency at once', async () => {
    const plan = harness.plan(`
id: for-each
title: For each
inputs:
  targets: { type: list, of: string }
steps:
  - id: each
    action: test.mark
    forEach: "\${{ inputs.targets }}"
    concurrency: 2
    with: { target: "\${{ item }}", holdMs: 400 }
`);
    const targets = ['a', 'b', 'c', 'd', 'e'];
    const { handle } = await harness.start(plan, { targets });
    const result = await handle.result();
    expect(result.steps[0]?.output).toEqual(targets.map((target) => ({ target, changed: true })));
    const ledger = harness.ledger().filter((entry) => entry.activityId.startsWith('each['));
    let running = 0;
    let most = 0;
    for (const entry of [...ledger].sort((a, b) => a.at - b.at || (a.phase === 'end' ? -1 : 1))) {
      running += entry.phase === 'start' ? 1 : -1;
      most = Math.max(most, running);
    }
    expect(most).toBe(2);
  });

  it('undoes completed steps newest first when a step fails under onFailure: undo', async () => {
    const plan = harness.plan(`
id: undo-order
title: Undo order
onFailure: undo
steps:
  - id: one
    action: test.mark
    with: { target: one }
  - id: two
    action: test.mark
    needs: [one]
    with: { target: two }
  - id: boom
    action: test.mark
    needs: [two]
    retry: { maximumAttempts: 1 }
    with: { target: boom, fail: true }
`);
    const { handle } = await harness.start(plan, {});
    expect(await failureOf(handle)).toMatch(/step "boom" failed/);
    const state = await settle(handle);
    expect(state.status).toBe('failed');
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['one', 'undone'],
      ['two', 'undone'],
      ['boom', 'failed'],
    ]);
    const undos = harness
      .ledger()
      .filter((entry) => entry.action === 'test.unmark' && entry.phase === 'end')
      .map((entry) => entry.target);
    expect(undos).toEqual(['two', 'one']);
  });

  it('undoes each completed item of a forEach step, newest first, under its own call id', async () => {
    const plan = harness.plan(`
id: undo-items
title: Undo items
onFailure: undo
inputs:
  targets: { type: list, of: string }
steps:
  - id: marks
    action: test.mark
    forEach: "\${{ inputs.targets }}"
    with: { target: "\${{ item }}" }
  - id: boom
    action: test.mark
    needs: [marks]
    retry: { maximumAttempts: 1 }
    with: { target: boom, fail: true }
`);
    const { handle } = await harness.start(plan, { targets: ['a', 'b', 'c'] });
    expect(await failureOf(handle)).toMatch(/step "boom" failed/);
    const state = await settle(handle);
    const marks = state.steps.find((step) => step.id === 'marks');
    expect(marks?.status).toBe('undone');
    expect(marks?.items?.map((item) => [item.item, item.status])).toEqual([
      ['a', 'undone'],
      ['b', 'undone'],
      ['c', 'undone'],
    ]);
    expect(marks?.undo).toMatchObject({ action: 'test.unmark', status: 'succeeded' });
    const undos = harness
      .ledger()
      .filter((entry) => entry.phase === 'end' && entry.activityId.startsWith('undo:marks'))
      .map((entry) => [entry.target, entry.activityId]);
    expect(undos).toEqual([
      ['c', 'undo:marks[2]'],
      ['b', 'undo:marks[1]'],
      ['a', 'undo:marks[0]'],
    ]);
  });

  it('carries on with independent steps under onFailure: continue and skips dependents of the failure', async () => {
    const plan = harness.plan(`
id: continue-policy
title: Continue
onFailure: continue
steps:
  - id: bad
    action: test.mark
    retry: { maximumAttempts: 1 }
    with: { target: bad, fail: true }
  - id: after
    action: test.mark
    needs: [bad]
    with: { target: after }
  - id: independent
    action: test.mark
    with: { target: independent, holdMs: 300 }
`);
    const state = await settle((await harness.start(plan, {})).handle);
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['bad', 'failed'],
      ['after', 'skipped'],
      ['independent', 'succeeded'],
    ]);
    expect(state.steps[0]?.error?.type).toBe('DeliberateFailure');
  });

  it('stops cleanly when cancelled, marking unfinished steps cancelled', async () => {
    const plan = harness.plan(`
id: cancel-me
title: Cancel me
steps:
  - id: slow
    action: core.wait
    with: { seconds: 60 }
  - id: later
    action: test.mark
    needs: [slow]
    with: { target: later }
`);
    const { handle } = await harness.start(plan, {});
    await waitForState(handle, (state) => state.steps[0]?.status === 'running');
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const description = await handle.describe();
    expect(description.status.name).toBe('CANCELLED');
    const state = await settle(handle);
    expect(state.status).toBe('cancelled');
    expect(state.steps.map((step) => step.status)).toEqual(['cancelled', 'cancelled']);
    expect(harness.ledger().some((entry) => entry.target === 'later')).toBe(false);
  });

  it('joins the running run when the same containment is started twice', async () => {
    const plan = harness.plan(`
id: join-me
title: Join
inputs:
  login: { type: email }
dedupe: "\${{ inputs.login }}"
steps:
  - id: hold
    action: core.wait
    with: { seconds: 2 }
`);
    const first = await harness.start(plan, { login: 'Alice@example.com' });
    const second = await harness.start(plan, { login: 'alice@example.com' });
    expect(first.started).toBe(true);
    expect(second.started).toBe(false);
    expect(second.workflowId).toBe(first.workflowId);
    expect(first.workflowId).toBe('cordon/join-me/alice@example.com');
    expect((await second.handle.describe()).runId).toBe((await first.handle.describe()).runId);
    await first.handle.result();
  });

  it('refuses a plan that would run a destructive step without approval', async () => {
    const plan = harness.plan(`
id: guarded
title: Guarded
steps:
  - id: destroy
    action: test.destroy
    with: { target: x }
    approval: { approvers: { users: [alice] } }
`);
    // Strip the gate after compilation, as a hand-made plan might: the workflow itself refuses it.
    const tampered = { ...plan, steps: plan.steps.map(({ approval: _approval, ...step }) => step) };
    const { handle } = await harness.start(tampered, {});
    expect(await failureOf(handle)).toMatch(/destructive test.destroy without an approval gate/);
    expect(harness.ledger().some((entry) => entry.action === 'test.destroy')).toBe(false);
  });
});

describe('a forEach over hundreds of items', () => {
  it('runs in child workflows of bounded size and keeps the run history small', async () => {
    const plan = harness.plan(`
id: campaign-scale
title: Many users
inputs:
  targets: { type: list, of: string }
steps:
  - id: contain
    action: test.read
    forEach: "\${{ inputs.targets }}"
    concurrency: 25
    with: { target: "\${{ item }}" }
`);
    const targets = Array.from({ length: 250 }, (_, index) => `user-${index}`);
    const { handle, workflowId } = await harness.start(plan, { targets });
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    const output = result.steps[0]?.output as Array<{ target: string }>;
    expect(output.map((item) => item.target)).toEqual(targets);
    const history = await handle.fetchHistory();
    // Three chunks of at most 100 items: the parent holds a few events per chunk, not hundreds of activities.
    expect(history.events?.length ?? 0).toBeLessThan(100);
    const chunks = [];
    for await (const child of harness.client.workflow.list({ query: `WorkflowType = 'runItemsChunk'` })) {
      if (child.workflowId.startsWith(`${workflowId}/`)) chunks.push(child.workflowId);
    }
    expect(chunks.sort()).toEqual([
      `${workflowId}/contain/0`,
      `${workflowId}/contain/100`,
      `${workflowId}/contain/200`,
    ]);
  });
});
