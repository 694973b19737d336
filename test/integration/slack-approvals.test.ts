import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, REJECT_ACTION } from '../../slack/blocks';
import { statusQuery } from '../../workflows/messages';
import { acceptedDecisions } from '../support/history';
import {
  hasButtons,
  LEADS_CHANNEL,
  PEOPLE,
  RUNS_CHANNEL,
  startSlackTestbed,
  textOf,
  type SlackTestbed,
} from '../support/slack-testbed';
import { pendingApproval, settle, waitForState } from '../support/wait';

const gated = (id: string, approval: string) => `
id: ${id}
title: Contain a test target
inputs:
  target: { type: string }
subject: "\${{ inputs.target }}"
steps:
  - id: prepare
    action: test.read
    with: { target: "\${{ inputs.target }}" }
  - id: destroy
    action: test.destroy
    needs: [prepare]
    with: { target: "\${{ inputs.target }}" }
    approval:
${approval}
  - id: after
    action: test.mark
    needs: [destroy]
    with: { target: after }
`;

const oncall = `      approvers: { groups: [secops-oncall] }
      show: { alert: "impossible travel for \${{ inputs.target }}" }`;
const twoOfOncall = `      approvers: { groups: [secops-oncall] }
      required: 2`;
const escalating = `      approvers: { users: [${PEOPLE.alice}] }
      timeout: 1s
      onTimeout: escalate
      escalate: { approvers: { groups: [leads] }, timeout: 1m, channel: ${LEADS_CHANNEL} }`;

let bed: SlackTestbed;
beforeAll(async () => {
  bed = await startSlackTestbed({
    playbooks: [gated('slack-gated', oncall), gated('slack-two', twoOfOncall), gated('slack-escalating', escalating)],
  });
});
afterAll(async () => bed?.close());

const plan = (id: string) => {
  const found = bed.plans.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no plan ${id}`);
  return found;
};

/** Starts a run as if from a slash command in #sec-runs, by the requester. */
const startFromSlack = (id: string, target: string) =>
  bed.harness.start(
    plan(id),
    { target },
    { requester: PEOPLE.requester, trigger: { kind: 'slack', channel: RUNS_CHANNEL } },
  );

describe('Slack approvals', () => {
  it('posts a request naming the step, action, impact, target, requester, evidence and deadline', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'shown-target');
    const approval = await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy', RUNS_CHANNEL);
    const text = textOf(message);
    expect(text).toContain('test.destroy');
    expect(text).toContain('*destructive*');
    expect(text).toContain('shown-target');
    expect(text).toContain(`<@${PEOPLE.requester}>`);
    expect(text).toContain('impossible travel for shown-target');
    expect(text).toContain(`<!date^${Math.floor(Date.parse(approval.deadline) / 1000)}^`);
    expect(text).toContain(`<@${PEOPLE.bob}>, <@${PEOPLE.carol}>`);
    expect(hasButtons(message)).toBe(true);
    await handle.cancel();
  });

  it('runs the step when an approver clicks Approve, and shows who decided and when', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'approve-me');
    const approval = await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');

    const { response } = await bed.click(message, APPROVE_ACTION, PEOPLE.bob);
    expect(response.status).toBe(200);
    const result = await handle.result();
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(await acceptedDecisions(handle)).toEqual([
      expect.objectContaining({ decision: 'approve', approver: PEOPLE.bob, inputsHash: approval.inputsHash }),
    ]);

    const updated = await bed.slack.waitFor(() => {
      const current = bed.slack.state.message(message.channel, message.ts);
      return current && !hasButtons(current) ? current : undefined;
    });
    expect(textOf(updated)).toMatch(new RegExp(`Approved by <@${PEOPLE.bob}> <!date\\^\\d+`));
  });

  it('changes nothing when a non-approver or the requester clicks, and tells only them why', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'refusals');
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    const editsBefore = message.edits;

    const stranger = await bed.click(message, APPROVE_ACTION, PEOPLE.mallory);
    const requester = await bed.click(message, APPROVE_ACTION, PEOPLE.requester);
    expect([stranger.response.status, requester.response.status]).toEqual([200, 200]);
    const toStranger = await bed.answer(stranger.responseUrl);
    const toRequester = await bed.answer(requester.responseUrl);
    expect(toStranger.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(toStranger.body.text).toContain(`${PEOPLE.mallory} is not an approver of step "destroy"`);
    expect(toRequester.body.text).toContain(`${PEOPLE.requester} requested this run and cannot approve`);

    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.decisions).toEqual([]);
    expect(state.approvals[0]?.status).toBe('pending');
    expect(await acceptedDecisions(handle)).toEqual([]);
    const current = bed.slack.state.message(message.channel, message.ts);
    expect(current?.edits).toBe(editsBefore);
    expect(current && hasButtons(current)).toBe(true);
    expect(bed.harness.ledger().some((entry) => entry.target === 'refusals' && entry.action === 'test.destroy')).toBe(
      false,
    );
    await handle.cancel();
  });

  it('skips the step on Reject with a reason, and refuses a Reject without one', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'reject-me');
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');

    const bare = await bed.click(message, REJECT_ACTION, PEOPLE.carol);
    const answer = await bed.answer(bare.responseUrl);
    expect(answer.body.text).toMatch(/needs a reason/);
    expect((await handle.query(statusQuery)).approvals[0]?.status).toBe('pending');

    await bed.click(message, REJECT_ACTION, PEOPLE.carol, { reason: 'wrong user' });
    const state = await settle(handle);
    expect(state.steps.map((step) => [step.id, step.status])).toEqual([
      ['prepare', 'succeeded'],
      ['destroy', 'rejected'],
      ['after', 'skipped'],
    ]);
    expect(state.steps[1]?.reason).toBe(`rejected by ${PEOPLE.carol}: wrong user`);
    expect(bed.harness.ledger().some((entry) => entry.target === 'reject-me' && entry.action === 'test.destroy')).toBe(
      false,
    );
    const updated = await bed.slack.waitFor(() => {
      const current = bed.slack.state.message(message.channel, message.ts);
      return current && !hasButtons(current) ? current : undefined;
    });
    expect(textOf(updated)).toContain(`Rejected by <@${PEOPLE.carol}>`);
    expect(textOf(updated)).toContain('wrong user');
  });

  it('refuses a click on an outdated message (another inputs hash)', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'stale');
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    const stale = await bed.click(message, APPROVE_ACTION, PEOPLE.bob, {
      edit: (wire) => {
        // The message as it was before the inputs changed: the same buttons, another hash.
        const text = JSON.stringify(wire.blocks).replace(
          /\\"h\\":\\"[0-9a-f]{64}\\"/g,
          `\\"h\\":\\"${'f'.repeat(64)}\\"`,
        );
        wire.blocks = JSON.parse(text) as unknown[];
      },
    });
    const answer = await bed.answer(stale.responseUrl);
    expect(answer.body.text).toMatch(/other inputs/);
    expect((await handle.query(statusQuery)).approvals[0]?.decisions).toEqual([]);
    await handle.cancel();
  });

  it('shows how many of a two-approver gate have approved, and who, and waits for the rest', async () => {
    const { handle, workflowId } = await startFromSlack('slack-two', 'two');
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    expect(textOf(message)).toContain('0 of 2 approved');

    await bed.click(message, APPROVE_ACTION, PEOPLE.bob);
    const half = await bed.slack.waitFor(() => {
      const current = bed.slack.state.message(message.channel, message.ts);
      return current && textOf(current).includes('1 of 2 approved') ? current : undefined;
    });
    expect(textOf(half)).toContain(`*Approved so far* (1 of 2 approved): <@${PEOPLE.bob}>`);
    expect(hasButtons(half)).toBe(true);
    expect((await handle.query(statusQuery)).steps[1]?.status).toBe('waiting_approval');

    await bed.click(half, APPROVE_ACTION, PEOPLE.carol);
    await handle.result();
    const done = await bed.slack.waitFor(() => {
      const current = bed.slack.state.message(message.channel, message.ts);
      return current && !hasButtons(current) ? current : undefined;
    });
    expect(textOf(done)).toContain(`Approved by <@${PEOPLE.bob}>`);
    expect(textOf(done)).toContain(`Approved by <@${PEOPLE.carol}>`);
  });

  it('posts an escalation to the escalation channel, where the new approvers can decide', async () => {
    const { handle, workflowId } = await startFromSlack('slack-escalating', 'escalate');
    await waitForState(handle, (state) => state.approvals[0]?.escalated === true);
    const copy = await bed.posted(workflowId, 'escalation:destroy', LEADS_CHANNEL);
    expect(textOf(copy)).toContain('Escalated approval: destroy');
    expect(textOf(copy)).toContain(`<@${PEOPLE.dana}>`);
    const original = await bed.posted(workflowId, 'approval:destroy', RUNS_CHANNEL);

    await bed.click(copy, APPROVE_ACTION, PEOPLE.dana);
    const state = await settle(handle);
    expect(state.steps[1]?.status).toBe('succeeded');
    for (const message of [copy, original]) {
      const updated = await bed.slack.waitFor(() => {
        const current = bed.slack.state.message(message.channel, message.ts);
        return current && !hasButtons(current) ? current : undefined;
      });
      expect(textOf(updated)).toContain(`Approved by <@${PEOPLE.dana}>`);
    }
  });
});
