import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, DecisionRefusedError } from '../../runs/decide';
import { approvalMessage } from '../../slack/approval-message';
import { APPROVE_ACTION, REJECT_ACTION } from '../../slack/decision-buttons';
import { blockActionsPayload, interactionBody, signSlackRequest, type StoredMessage } from '../../stand-ins/slack';
import { alertSignal, statusQuery } from '../../workflows/messages';
import { acceptedDecisions } from '../support/history';
import { decide as decideAs } from '../support/people';
import {
  ERIN,
  hasButtons,
  LEADS_CHANNEL,
  PEOPLE,
  RUNS_CHANNEL,
  SIGNING_SECRET,
  startSlackTestbed,
  textOf,
  type SlackTestbed,
} from '../support/slack-testbed';
import { pendingApproval, settle, waitForState } from '../support/wait';
import { gatedPlaybook } from '../support/gated-playbook';

const gated = (id: string, approval: string) => gatedPlaybook({ id, approval, subject: true, after: true });

const oncall = `      approvers: { groups: [secops-oncall] }
      show: { alert: "impossible travel for \${{ inputs.target }}" }`;
const twoOfOncall = `      approvers: { groups: [secops-oncall] }
      required: 2`;
const escalating = `      approvers: { users: [${PEOPLE.alice}] }
      timeout: 1s
      onTimeout: escalate
      escalation: { approvers: { groups: [leads] }, timeout: 1m, channel: ${LEADS_CHANNEL} }`;

const muchEvidence = `      approvers: { groups: [secops-oncall] }
      show:
${Array.from({ length: 12 }, (_, index) => `        signal${index}: "evidence \${{ inputs.target }} ${index}"`).join('\n')}`;
const rogueHandle = `      approvers: { groups: [secops-leads] }`;
const aliceOnly = `      approvers: { users: [${PEOPLE.alice}, ${PEOPLE.carol}] }`;
const oncallAndDana = `      approvers: { users: [${PEOPLE.dana}], groups: [secops-oncall] }`;
const erinAndDana = `      approvers: { users: [${ERIN}, ${PEOPLE.dana}] }`;

let bed: SlackTestbed;
beforeAll(async () => {
  bed = await startSlackTestbed({
    playbooks: [
      gated('slack-gated', oncall),
      gated('slack-two', twoOfOncall),
      gated('slack-escalating', escalating),
      gated('slack-rogue', rogueHandle),
      gated('slack-alice', aliceOnly),
      gated('slack-evidence', muchEvidence),
      gated('slack-detected', oncallAndDana),
      gated('slack-erin', erinAndDana),
    ],
    // Someone made a Slack group with the handle a playbook names but the configuration never pinned.
    usergroups: [{ id: 'S0ROGUE', handle: 'secops-leads', users: [PEOPLE.mallory] }],
  });
});
afterAll(async () => bed?.close());

const plan = (id: string) => {
  const found = bed.plans.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no plan ${id}`);
  return found;
};

/** Starts a run as if from a slash command in #sec-runs, by the requester. */
const startFromSlack = (id: string, target: string) => bed.startFromSlack(plan(id), { target });

describe('Slack approvals', () => {
  it('posts a request naming the step, action, impact, target, requester, shown values and deadline', async () => {
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

/** A click on a message by `user`, as Slack would sign it, without sending it to cordon serve. */
function signedClick(
  message: StoredMessage | { channel: string; wire: { ts: string; blocks: unknown[] } },
  actionId: string,
  user: string,
  secret = SIGNING_SECRET,
) {
  const wire = 'wire' in message ? message.wire : bed.slack.wireMessage(message.channel, message.ts);
  const payload = blockActionsPayload({
    message: wire,
    channelId: message.channel,
    userId: user,
    actionId,
    responseUrl: bed.slack.responseUrl({ channel: message.channel, messageTs: wire.ts }),
  });
  const body = interactionBody(payload);
  const headers = signSlackRequest(secret, body);
  return { body, timestamp: headers['x-slack-request-timestamp'], signature: headers['x-slack-signature'] };
}

describe('Slack decisions verified by the worker (issue 10)', () => {
  it("refuses the contained account's own Slack user, even in the approver group, and records it", async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'bob@example.com');
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');

    const reject = await bed.click(message, REJECT_ACTION, PEOPLE.bob, { reason: 'this is fine' });
    expect((await bed.answer(reject.responseUrl)).body.text).toContain(
      `${PEOPLE.bob} is the subject of this containment (bob@example.com) and cannot approve or reject it`,
    );
    const approve = await bed.click(message, APPROVE_ACTION, PEOPLE.bob);
    expect((await bed.answer(approve.responseUrl)).body.text).toMatch(/is the subject of this containment/);

    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.status).toBe('pending');
    expect(state.approvals[0]?.decisions).toEqual([]);
    expect(state.approvals[0]?.refused?.map((record) => [record.person, record.channel, record.decision])).toEqual([
      ['bob', 'slack', 'reject'],
      ['bob', 'slack', 'approve'],
    ]);
    expect(await acceptedDecisions(handle)).toEqual([]);
    expect(
      bed.harness.ledger().some((entry) => entry.target === 'bob@example.com' && entry.action === 'test.destroy'),
    ).toBe(false);

    await bed.click(message, APPROVE_ACTION, PEOPLE.carol);
    const done = await settle(handle);
    expect(done.steps[1]?.status).toBe('succeeded');
    expect(done.approvals[0]?.decisions[0]).toMatchObject({
      approver: PEOPLE.carol,
      person: 'carol',
      channel: 'slack',
      verification: `Slack request signature, user ${PEOPLE.carol}`,
    });
  });

  it('lists neither the subject nor anyone the detection names as approvers, and refuses them from Slack and the CLI', async () => {
    // An Okta event about bob (the subject): carol's account did it (the actor), bob's is a target.
    const { handle, workflowId } = await startFromSlack('slack-detected', 'bob@example.com');
    await handle.signal(alertSignal, {
      source: 'okta',
      reference: 'evt-named-1',
      summary: 'okta user.session.start',
      data: {
        uuid: 'evt-named-1',
        eventType: 'user.account.update_profile',
        actor: { id: '00ucarol', type: 'User', alternateId: 'carol@example.com', displayName: 'Carol' },
        target: [
          { id: '00ubob', type: 'User', alternateId: 'bob@example.com', displayName: 'Bob' },
          { id: '0oaapp', type: 'AppInstance', alternateId: 'Salesforce', displayName: 'Salesforce' },
        ],
      },
    });
    const approval = await pendingApproval(handle, 'destroy');
    expect(approval.approvers).toEqual([PEOPLE.dana]);
    const message = await bed.posted(workflowId, 'approval:destroy');
    expect(textOf(message)).not.toContain(PEOPLE.bob);
    expect(textOf(message)).not.toContain(PEOPLE.carol);

    const byCarol = await bed.click(message, APPROVE_ACTION, PEOPLE.carol);
    expect((await bed.answer(byCarol.responseUrl)).body.text).toContain(
      `${PEOPLE.carol} is named by the detection (carol@example.com) and cannot approve or reject this containment`,
    );
    await expect(
      decideAs(bed.harness.client, workflowId, {
        stepId: 'destroy',
        decision: 'reject',
        approver: 'carol',
        reason: 'no',
      }),
    ).rejects.toThrow(/carol is named by the detection \(carol@example.com\)/);
    await expect(
      decideAs(bed.harness.client, workflowId, {
        stepId: 'destroy',
        decision: 'reject',
        approver: 'bob',
        reason: 'no',
      }),
    ).rejects.toThrow(/bob is the subject of this containment/);
    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.status).toBe('pending');
    expect(state.approvals[0]?.refused?.map((record) => [record.person, record.channel])).toEqual([
      ['carol', 'slack'],
      ['carol', 'cli'],
      ['bob', 'cli'],
    ]);

    await bed.click(message, APPROVE_ACTION, PEOPLE.dana);
    const done = await settle(handle);
    expect(done.steps[1]?.status).toBe('succeeded');
    expect(done.approvals[0]?.decisions.map((decision) => decision.person)).toEqual(['dana']);
  });

  it('knows a person listed without a Slack id by their Slack profile e-mail: as the subject, not listed and refused', async () => {
    const contained = await startFromSlack('slack-erin', 'erin@example.com');
    const approval = await pendingApproval(contained.handle, 'destroy');
    expect(approval.approvers).toEqual([PEOPLE.dana]);
    const message = await bed.posted(contained.workflowId, 'approval:destroy');
    const click = await bed.click(message, APPROVE_ACTION, ERIN);
    expect((await bed.answer(click.responseUrl)).body.text).toContain(
      `${ERIN} is the subject of this containment (erin@example.com)`,
    );
    expect((await contained.handle.query(statusQuery)).approvals[0]?.refused?.[0]).toMatchObject({ person: 'erin' });

    // On someone else's containment her click counts, as erin.
    const other = await startFromSlack('slack-erin', 'someone-else');
    expect((await pendingApproval(other.handle, 'destroy')).approvers).toEqual([PEOPLE.dana, ERIN]);
    const approved = await bed.click(await bed.posted(other.workflowId, 'approval:destroy'), APPROVE_ACTION, ERIN);
    expect(approved.response.status).toBe(200);
    const answer = await bed.answer(approved.responseUrl).catch(() => undefined);
    expect(answer?.body.text ?? '').not.toMatch(/Not recorded/);
    const done = await settle(other.handle);
    expect(done.approvals[0]?.decisions[0]).toMatchObject({ approver: ERIN, person: 'erin', channel: 'slack' });
    await contained.handle.cancel();
  });

  it('treats a CLI requester and their Slack account as one person', async () => {
    // alice started the run from the CLI (her login is her person id); her Slack account is an approver.
    const { handle, workflowId } = await bed.harness.start(
      plan('slack-alice'),
      { target: 'same-person' },
      {
        requester: 'alice',
        trigger: { kind: 'cli' },
      },
    );
    const approval = await pendingApproval(handle, 'destroy');
    const state = await handle.query(statusQuery);
    // Not listed as an approver either: the requester's Slack account is the requester.
    expect(approval.approvers).toEqual([PEOPLE.carol]);
    // A CLI run posts nowhere in this testbed: alice clicks the request as Slack would render it in a channel.
    const rendered = approvalMessage(state, approval);
    const click = signedClick(
      { channel: RUNS_CHANNEL, wire: { ts: '1700000000.000100', blocks: rendered.blocks } },
      APPROVE_ACTION,
      PEOPLE.alice,
    );
    await expect(
      decide(bed.harness.client, workflowId, {
        stepId: 'destroy',
        decision: 'approve',
        approver: PEOPLE.alice,
        proof: { kind: 'slack', ...click },
      }),
    ).rejects.toThrow(
      new DecisionRefusedError(`${PEOPLE.alice} requested this run and cannot approve or reject its steps`),
    );
    expect((await handle.query(statusQuery)).approvals[0]?.refused?.[0]).toMatchObject({ person: 'alice' });
    await handle.cancel();
  });

  it('refuses a Slack body that Slack did not sign, sent straight to the run', async () => {
    const { handle, workflowId } = await startFromSlack('slack-gated', 'forged-body');
    const approval = await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    // What a compromised cordon serve, or anyone with namespace access, could make up: a click by carol.
    const forged = signedClick(message, APPROVE_ACTION, PEOPLE.carol, 'not-the-signing-secret');
    await expect(
      decide(bed.harness.client, workflowId, {
        stepId: 'destroy',
        decision: 'approve',
        approver: PEOPLE.carol,
        inputsHash: approval.inputsHash,
        proof: { kind: 'slack', ...forged },
      }),
    ).rejects.toThrow(/not verified: the Slack request's signature does not match the signing secret/);
    const state = await handle.query(statusQuery);
    expect(state.approvals[0]?.decisions).toEqual([]);
    expect(state.approvals[0]?.refused?.[0]).toMatchObject({ claimed: PEOPLE.carol, channel: 'slack' });
    expect(state.approvals[0]?.refused?.[0]?.person).toBeUndefined();
    expect(
      bed.harness.ledger().some((entry) => entry.target === 'forged-body' && entry.action === 'test.destroy'),
    ).toBe(false);
    await handle.cancel();
  });

  it('refuses a real signed click replayed to another run', async () => {
    const first = await startFromSlack('slack-gated', 'replay-a');
    const second = await startFromSlack('slack-gated', 'replay-b');
    await pendingApproval(first.handle, 'destroy');
    const target = await pendingApproval(second.handle, 'destroy');
    const message = await bed.posted(first.workflowId, 'approval:destroy');
    const captured = signedClick(message, APPROVE_ACTION, PEOPLE.carol);
    await expect(
      decide(bed.harness.client, second.workflowId, {
        stepId: 'destroy',
        decision: 'approve',
        approver: PEOPLE.carol,
        inputsHash: target.inputsHash,
        proof: { kind: 'slack', ...captured },
      }),
    ).rejects.toThrow(`not verified: the signed click is about run ${first.workflowId} step "destroy", not this one`);
    expect((await second.handle.query(statusQuery)).approvals[0]?.decisions).toEqual([]);
    await first.handle.cancel();
    await second.handle.cancel();
  });

  it('does not take approvers from a Slack group whose handle the configuration never pinned', async () => {
    const { handle } = await startFromSlack('slack-rogue', 'rogue');
    const state = await settle(handle);
    expect(state.approvals).toEqual([]);
    expect(state.steps[1]?.status).toBe('failed');
    expect(state.steps[1]?.error?.message).toMatch(/approver group "secops-leads" is not configured/);
    expect(bed.harness.ledger().some((entry) => entry.target === 'rogue' && entry.action === 'test.destroy')).toBe(
      false,
    );
  });

  it('says what the request leaves out and posts all of it in the thread (attack 6a)', async () => {
    const { handle, workflowId } = await startFromSlack('slack-evidence', 'much');
    const approval = await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    expect(textOf(message)).toContain('2 more values not shown (signal10, signal11)');
    const full = await bed.posted(workflowId, 'full:destroy:0');
    expect(full.threadTs).toBe(message.ts);
    for (let index = 0; index < 12; index++) expect(textOf(full)).toContain(`evidence much ${index}`);
    expect(textOf(full)).toContain(approval.inputsHash);
    await handle.cancel();
  });
});
