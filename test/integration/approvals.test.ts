import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAudit, fetchRunHistory, renderText } from '../../audit';
import type { WorkflowHandle } from '@temporalio/client';
import type { Plan } from '../../dsl/plan';
import { DecisionRefusedError } from '../../runs/decide';
import { approveWhenAsked, decide } from '../support/people';
import { alertSignal, legacyEvidenceSignal, statusQuery } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/harness';
import { acceptedDecisions } from '../support/history';
import { failureOf, pendingApproval, settle, waitForState } from '../support/wait';
import { gatedPlaybook } from '../support/gated-playbook';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['alice', 'bob', 'carol'], leads: ['dana'] } });
});
afterAll(async () => harness?.shutdown());

const gated = (approval: string, extra = '') =>
  gatedPlaybook({ id: `gated${extra}`, title: 'Gated', approval, after: true });

const oneApprover = `      approvers: { groups: [oncall] }
      show: { who: "\${{ inputs.target }}" }`;

describe('approval gates', () => {
  it('runs the step once approved, with exactly the inputs shown', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(gated(oneApprover)), { target: 'approve-me' });
    const approval = await pendingApproval(handle, 'destroy');
    expect(approval.input).toEqual({ target: 'approve-me' });
    expect(approval.approvers).toEqual(['alice', 'bob', 'carol']);
    expect(approval.shown).toEqual({ who: 'approve-me' });
    expect(harness.ledger().some((entry) => entry.action === 'test.destroy')).toBe(false);

    await decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: 'alice' });
    const result = await handle.result();
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(harness.ledger().filter((entry) => entry.action === 'test.destroy' && entry.phase === 'end')).toHaveLength(
      1,
    );
    const decisions = await acceptedDecisions(handle);
    expect(decisions).toEqual([
      expect.objectContaining({
        stepId: 'destroy',
        decision: 'approve',
        approver: 'alice',
        inputsHash: approval.inputsHash,
      }),
    ]);
    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.decisions[0]).toMatchObject({ approver: 'alice', decision: 'approve', via: 'human' });
  });

  it('attaches alerts sent under the signal name before the rename too, and the audit lists both', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(gated(oneApprover, '-alerts')), { target: 't' });
    await pendingApproval(handle, 'destroy');
    await handle.signal(alertSignal, { source: 'okta', reference: 'evt-new', summary: 'a new alert' });
    // A detection receiver not yet upgraded still signals `evidence`.
    await handle.signal(legacyEvidenceSignal, { source: 'okta', reference: 'evt-old', summary: 'an old alert' });
    await handle.signal(legacyEvidenceSignal, { source: 'okta', reference: 'evt-old', summary: 'the same, again' });
    const state = await waitForState(handle, (candidate) => candidate.alerts.length === 2);
    expect(state.alerts.map((alert) => alert.reference)).toEqual(['evt-new', 'evt-old']);
    await handle.cancel();
    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    expect(audit.alerts.map((alert) => alert.summary)).toEqual(['a new alert', 'an old alert', 'the same, again']);
    expect(audit.warnings).toEqual([]);
  });

  it('skips the step and what depends on it when rejected', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(gated(oneApprover)), { target: 'reject-me' });
    await pendingApproval(handle, 'destroy');
    await expect(
      decide(harness.client, workflowId, { stepId: 'destroy', decision: 'reject', approver: 'bob' }),
    ).rejects.toThrow(/needs a reason/);
    await decide(harness.client, workflowId, {
      stepId: 'destroy',
      decision: 'reject',
      approver: 'bob',
      reason: 'wrong user',
    });
    const state = await settle(handle);
    expect(state.status).toBe('succeeded');
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['prepare', 'succeeded'],
      ['destroy', 'rejected'],
      ['after', 'skipped'],
    ]);
    expect(state.steps[1]?.reason).toBe('rejected by bob: wrong user');
    expect(harness.ledger().some((entry) => entry.target === 'reject-me' && entry.action === 'test.destroy')).toBe(
      false,
    );
    expect(await acceptedDecisions(handle)).toEqual([
      expect.objectContaining({ decision: 'reject', approver: 'bob', reason: 'wrong user' }),
    ]);
  });

  it('refuses an unknown approver, the requester and a stale inputs hash, changing nothing', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(gated(oneApprover)), { target: 'refusals' });
    const approval = await pendingApproval(handle, 'destroy');
    const attempt = (approver: string, inputsHash = approval.inputsHash) =>
      decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver, inputsHash });

    await expect(attempt('mallory')).rejects.toThrow(
      new DecisionRefusedError('mallory is not an approver of step "destroy"'),
    );
    await expect(attempt('requester')).rejects.toThrow(/requested this run and cannot approve/);
    await expect(attempt('alice', 'f'.repeat(64))).rejects.toThrow(/other inputs/);
    await expect(
      decide(harness.client, workflowId, { stepId: 'prepare', decision: 'approve', approver: 'alice' }),
    ).rejects.toThrow(/not waiting for an approval/);

    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.decisions).toEqual([]);
    expect(state.approvals[0]?.status).toBe('pending');
    expect(await acceptedDecisions(handle)).toEqual([]);
    // The two that reached the run are recorded as refused, with the verified person; the stale hash never got in.
    expect(state.approvals[0]?.refused?.map((record) => [record.person, record.problem])).toEqual([
      ['mallory', 'mallory is not an approver of step "destroy"'],
      ['requester', 'requester requested this run and cannot approve or reject its steps'],
    ]);
    await handle.cancel();
  });

  it('waits for the second distinct approver of a two-approver gate', async () => {
    const approval = `      approvers: { groups: [oncall] }
      required: 2`;
    const { handle, workflowId } = await harness.start(harness.plan(gated(approval, '-two')), { target: 'two' });
    await approveWhenAsked(harness.client, handle, 'destroy', 'alice');
    await expect(
      decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: 'alice' }),
    ).rejects.toThrow(/already decided/);
    let state = await handle.query(statusQuery);
    expect(state.approvals[0]?.status).toBe('pending');
    expect(state.steps[1]?.status).toBe('waiting_approval');

    await decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: 'carol' });
    await handle.result();
    state = await handle.query(statusQuery);
    expect(state.approvals[0]?.decisions.map((decision) => decision.approver)).toEqual(['alice', 'carol']);
    expect(state.steps[1]?.status).toBe('succeeded');
  });

  it('rejects on timeout under onTimeout: reject', async () => {
    const approval = `      approvers: { users: [alice] }
      timeout: 1s
      onTimeout: reject`;
    const state = await settle((await harness.start(harness.plan(gated(approval, '-tr')), { target: 'tr' })).handle);
    expect(state.steps[1]?.status).toBe('rejected');
    expect(state.approvals[0]?.decisions[0]).toMatchObject({ approver: 'timeout', decision: 'reject', via: 'timeout' });
  });

  it('approves on timeout under onTimeout: approve with a stated unattended reason, and records the reason', async () => {
    // A destructive gate may approve itself only when the playbook says why (issue 10): the reason is recorded.
    const approval = `      approvers: { users: [alice] }
      timeout: 1s
      onTimeout: approve
    unattended: { reason: the containment must go ahead even at night }`;
    const state = await settle((await harness.start(harness.plan(gated(approval, '-ta')), { target: 'ta' })).handle);
    expect(state.steps[1]?.status).toBe('succeeded');
    expect(state.approvals[0]?.decisions[0]?.reason).toMatch(
      /approves on timeout: the containment must go ahead even at night/,
    );
  });

  it('escalates to the second approver set on timeout, who can then approve', async () => {
    const approval = `      approvers: { users: [alice] }
      timeout: 1s
      onTimeout: escalate
      escalation: { approvers: { groups: [leads] }, timeout: 1m, channel: "#sec-leads" }`;
    const { handle, workflowId } = await harness.start(harness.plan(gated(approval, '-te')), { target: 'te' });
    await waitForState(handle, (state) => state.approvals[0]?.escalated === true);
    // Notifications are sent in the background of the run: wait for the escalation notice to arrive.
    await expect
      .poll(() =>
        harness.events.find((event) => event.kind === 'approval_escalated' && event.state.workflowId === workflowId),
      )
      .toMatchObject({ channel: '#sec-leads' });
    await decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: 'dana' });
    const state = await settle(handle);
    expect(state.steps[1]?.status).toBe('succeeded');
    expect(state.approvals[0]?.approvers).toEqual(['alice', 'dana']);
  });
});

/** The message of the run's first failed workflow task, once there is one. */
async function waitForTaskFailure(handle: WorkflowHandle): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const history = await handle.fetchHistory();
    const failed = history.events?.find((event) => event.workflowTaskFailedEventAttributes);
    if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message ?? '';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no workflow task of ${handle.workflowId} failed within 20 s`);
}

describe('an approval that covers later steps', () => {
  const covering = `
id: covering
title: One decision, two destructive steps
inputs:
  target: { type: string }
steps:
  - id: first
    action: test.destroy
    with: { target: "\${{ inputs.target }}-first" }
    approval:
      approvers: { users: [alice] }
      covers: [second]
  - id: second
    action: test.destroy
    needs: [first]
    with: { target: "\${{ inputs.target }}-second" }
`;

  it('shows and binds the covered step inputs, then runs both with that one decision', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(covering), { target: 'cov' });
    const approval = await pendingApproval(handle, 'first');
    expect(approval.input).toEqual({ first: { target: 'cov-first' }, second: { target: 'cov-second' } });
    await decide(harness.client, workflowId, { stepId: 'first', decision: 'approve', approver: 'alice' });
    const state = await settle(handle);
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['first', 'succeeded'],
      ['second', 'succeeded'],
    ]);
    expect(state.steps[1]?.reason).toBe('approved with step "first"');
    expect(state.approvals).toHaveLength(1);
  });

  it('is shown in the audit: the covered step names the approval that covered it', async () => {
    const { handle, workflowId } = await harness.start(harness.plan(covering), { target: 'cov-audit' });
    await approveWhenAsked(harness.client, handle, 'first', 'alice');
    await handle.result();
    const audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
    expect(audit.steps.map((step) => [step.id, step.gated, step.coveredBy, step.status])).toEqual([
      ['first', true, null, 'succeeded'],
      ['second', false, 'first', 'succeeded'],
    ]);
    expect(renderText(audit).join('\n')).toContain('approved with step "first" (its approval covers');
  });

  /** Starts `yaml` for `target`, rejects its gate, and gives the settled state. */
  async function rejected(yaml: string, target: string) {
    const { handle, workflowId } = await harness.start(harness.plan(yaml), { target });
    await pendingApproval(handle, 'first');
    await decide(harness.client, workflowId, { stepId: 'first', decision: 'reject', approver: 'alice', reason: 'no' });
    return settle(handle);
  }

  it('skips the covered step too when the decision is a rejection', async () => {
    const state = await rejected(covering, 'cov-rej');
    expect(state.steps.map((step) => step.status)).toEqual(['rejected', 'skipped']);
    expect(harness.ledger().some((entry) => entry.target.startsWith('cov-rej'))).toBe(false);
  });

  it('refuses a plan whose covered step is not linked to the gate that claims it', async () => {
    const plan = harness.plan(covering);
    const tampered = {
      ...plan,
      steps: plan.steps.map((step) =>
        step.id === 'first' ? { ...step, approval: { ...step.approval!, covers: [] } } : step,
      ),
    };
    const { handle } = await harness.start(tampered, { target: 'cov-tamper' });
    expect(await failureOf(handle)).toMatch(/step "second" runs destructive test.destroy without an approval gate/);
  });

  // The covered step does not need the gated one: it waits for the decision, then runs beside the gated step's action.
  const beside = covering.replace('    needs: [first]\n', '').replace('-first" }', '-first", holdMs: 1500 }');

  it('starts a covered step beside its gate: it waits for the decision, not for the gated action', async () => {
    const plan = harness.plan(beside);
    expect(plan.interpreter).toBe(2);
    const { handle, workflowId } = await harness.start(plan, { target: 'cov-beside' });
    await pendingApproval(handle, 'first');
    expect(harness.ledger().filter((entry) => entry.target.startsWith('cov-beside'))).toEqual([]);
    await decide(harness.client, workflowId, { stepId: 'first', decision: 'approve', approver: 'alice' });
    const state = await settle(handle);
    expect(state.steps.map((step) => [step.id, step.status, step.reason])).toEqual([
      ['first', 'succeeded', undefined],
      ['second', 'succeeded', 'approved with step "first"'],
    ]);
    const at = (target: string, phase: string) =>
      harness.ledger().find((entry) => entry.target === target && entry.phase === phase)?.at ?? Number.NaN;
    // The second ended while the first (held 1.5 s) was still running.
    expect(at('cov-beside-second', 'end')).toBeLessThan(at('cov-beside-first', 'end'));
  });

  it('skips a covered step beside its gate when the decision is a rejection, saying why', async () => {
    const state = await rejected(beside, 'cov-beside-rej');
    expect(state.steps.map((step) => step.status)).toEqual(['rejected', 'skipped']);
    expect(state.steps[1]?.reason).toMatch(
      /^the approval of step "first", which covers it, was not given: "first" rejected/,
    );
    expect(harness.ledger().some((entry) => entry.target.startsWith('cov-beside-rej'))).toBe(false);
  });

  it('refuses a plan for interpreter 1 whose covered step starts beside its gate', async () => {
    const plan = { ...harness.plan(beside), interpreter: 1 as const };
    const { handle } = await harness.start(plan, { target: 'cov-beside-v1' });
    expect(await failureOf(handle)).toMatch(/step "second" runs destructive test.destroy without an approval gate/);
    expect(harness.ledger().some((entry) => entry.target.startsWith('cov-beside-v1'))).toBe(false);
  });

  it('leaves a plan for a later interpreter to a newer worker: its workflow task fails, the run does not', async () => {
    // As during a rolling upgrade: cordon serve already compiles for a version this worker does not run yet.
    const plan = { ...harness.plan(covering), interpreter: 3 } as unknown as Plan;
    const { handle } = await harness.start(plan, { target: 'cov-v3' });
    try {
      const failed = await waitForTaskFailure(handle);
      expect(failed).toMatch(/plan is for interpreter version 3; this worker runs versions 1 and 2: a newer worker/);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(harness.ledger().some((entry) => entry.target.startsWith('cov-v3'))).toBe(false);
    } finally {
      await handle.terminate('the test is done');
    }
  });

  it('refuses a plan whose interpreter version is no version at all', async () => {
    for (const interpreter of [0, 1.5, '2']) {
      const plan = { ...harness.plan(covering), interpreter } as unknown as Plan;
      const { handle } = await harness.start(plan, { target: `cov-bad-${String(interpreter)}` });
      expect(await failureOf(handle)).toMatch(/plan is for interpreter version .*; this worker runs versions 1 and 2$/);
    }
  });

  it('refuses a plan whose gate needs the step it covers: each would wait for the other', async () => {
    const plan = harness.plan(beside);
    const circular: Plan = {
      ...plan,
      steps: plan.steps.map((step) => (step.id === 'first' ? { ...step, needs: ['second'] } : step)),
    };
    const { handle } = await harness.start(circular, { target: 'cov-circular' });
    expect(await failureOf(handle)).toMatch(/step "second" runs destructive test.destroy without an approval gate/);
  });
  it('refuses a plan whose gate needs a reversible step it covers, which would wait for ever', async () => {
    const plan = harness.plan(beside);
    const circular: Plan = {
      ...plan,
      steps: plan.steps.map((step) =>
        step.id === 'first'
          ? { ...step, needs: ['second'] }
          : step.id === 'second'
            ? { ...step, action: 'test.mark', impact: 'reversible' as const }
            : step,
      ),
    };
    const { handle } = await harness.start(circular, { target: 'cov-circular-mark' });
    expect(await failureOf(handle)).toMatch(/step "first" needs step "second", which waits for its decision/);
  });
});
