/**
 * A decision that reaches a run after it closed (found by the fault campaign's duplicate approvals, issue 15): the
 * decider hears that the run has ended, as a refusal, not how Temporal aborted the Update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionRefusedError, decide as send, signedDecision } from '../../runs/decide';
import { keyOf } from '../support/people';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval, settle } from '../support/wait';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['alice'] } });
});
afterAll(async () => harness?.shutdown());

describe('a decision for a run that has ended', () => {
  it('is refused, naming the run and how it closed, not with a Temporal not-found error', async () => {
    const plan = harness.plan(`
id: closed-run
title: Closed run
inputs:
  target: { type: string }
steps:
  - id: destroy
    action: test.destroy
    with: { target: "\${{ inputs.target }}" }
    approval: { approvers: { groups: [oncall] } }
`);
    const { handle, workflowId } = await harness.start(plan, { target: 'closed' });
    const approval = await pendingApproval(handle, 'destroy');
    const signed = signedDecision(keyOf('alice'), workflowId, {
      stepId: 'destroy',
      decision: 'approve',
      approver: 'alice',
      inputsHash: approval.inputsHash,
    });
    await send(harness.client, workflowId, signed);
    await settle(handle);
    const again = send(harness.client, workflowId, signed);
    await expect(again).rejects.toThrow(DecisionRefusedError);
    await expect(again).rejects.toThrow(`${workflowId} has ended (COMPLETED); there is nothing left to decide`);
  });
});
