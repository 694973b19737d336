import { describe, expect, it } from 'vitest';
import { approvalMessage, fullRequestMessages, requestFits } from '../../slack/approval-message';
import { APPROVE_ACTION, decodeDecision, encodeDecision, REJECT_ACTION } from '../../slack/decision-buttons';
import { progressMessage } from '../../slack/progress-message';
import { summaryMessage } from '../../slack/summary-message';
import { escapeMrkdwn, mention } from '../../slack/format';
import { validateBlocks } from '../../stand-ins/slack/blocks';
import type { ApprovalState, RunState } from '../../workflows/run-state';

const approval: ApprovalState = {
  stepId: 'suspend',
  action: 'okta.suspend_user',
  impact: 'destructive',
  input: { userId: '00u1', note: '<!channel> <https://evil.example|okta.com> ```' },
  inputsHash: 'c'.repeat(64),
  shown: { alert: 'session from <!here> 203.0.113.9', count: 3 },
  approvers: ['U0BOB', 'U0CAROL'],
  required: 2,
  requestedAt: '2026-11-23T08:00:00.000Z',
  deadline: '2026-11-23T08:30:00.000Z',
  escalated: false,
  decisions: [],
  status: 'pending',
};

const state: RunState = {
  workflowId: 'cordon/okta-account-compromise/alice@example.com',
  playbook: {
    id: 'okta-account-compromise',
    version: '1',
    title: 'Contain a phished Okta account',
    sha256: 'd'.repeat(64),
  },
  requester: 'U0REQ',
  trigger: { kind: 'slack', channel: 'C0RUNS', source: '#sec-runs' },
  subject: 'alice@example.com',
  inputs: { login: 'alice@example.com' },
  status: 'waiting_approval',
  startedAt: '2026-11-23T07:59:00.000Z',
  steps: [
    { id: 'user', action: 'okta.get_user', impact: 'read', status: 'succeeded' },
    { id: 'suspend', action: 'okta.suspend_user', impact: 'destructive', status: 'waiting_approval' },
    {
      id: 'fail',
      action: 'core.fail',
      impact: 'read',
      status: 'failed',
      error: { type: 'Deliberate', message: '<!channel> boom' },
    },
  ],
  approvals: [approval],
  alerts: [],
};

describe('Slack messages of a run', () => {
  it('carry the run, the step and the inputs hash on both buttons, and read them back', () => {
    const message = approvalMessage(state, approval);
    const actions = message.blocks.find((block) => block.type === 'actions');
    const elements = (actions as { elements: Array<{ action_id: string; value: string }> }).elements;
    expect(elements.map((element) => element.action_id)).toEqual([APPROVE_ACTION, REJECT_ACTION]);
    for (const element of elements) {
      expect(decodeDecision(element.value)).toEqual({
        workflowId: state.workflowId,
        stepId: 'suspend',
        inputsHash: approval.inputsHash,
      });
    }
    expect(decodeDecision(encodeDecision({ workflowId: 'w', stepId: 's', inputsHash: 'h', escalation: true }))).toEqual(
      {
        workflowId: 'w',
        stepId: 's',
        inputsHash: 'h',
        escalation: true,
      },
    );
    expect(decodeDecision('{"w":1}')).toBeUndefined();
    expect(decodeDecision('not json')).toBeUndefined();
  });

  it('escape everything that came from outside', () => {
    for (const message of [approvalMessage(state, approval), progressMessage(state), summaryMessage(state)]) {
      const text = JSON.stringify(message.blocks);
      expect(text).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
    }
    expect(JSON.stringify(approvalMessage(state, approval).blocks)).toContain('&lt;!channel&gt;');
    expect(escapeMrkdwn('a & <b>')).toBe('a &amp; &lt;b&gt;');
    expect(mention('U0BOB')).toBe('<@U0BOB>');
    expect(mention('detection:okta')).toBe('*detection:okta*');
  });

  it('are valid Block Kit, also for long runs with many steps', () => {
    const many: RunState = {
      ...state,
      steps: Array.from({ length: 400 }, (_, index) => ({
        id: `step${index}`,
        action: 'test.mark',
        impact: 'reversible' as const,
        status: 'failed' as const,
        error: { type: 'Unavailable', message: 'x'.repeat(500) },
      })),
    };
    expect(validateBlocks(progressMessage(many).blocks)).toEqual([]);
    expect(JSON.stringify(progressMessage(many).blocks)).toMatch(/more steps/);
    expect(validateBlocks(approvalMessage(state, { ...approval, input: 'y'.repeat(10_000) }).blocks)).toEqual([]);
    expect(validateBlocks(summaryMessage(state).blocks)).toEqual([]);
  });

  it('render the same snapshot the same way, so a repeated update changes nothing', () => {
    expect(JSON.stringify(progressMessage(structuredClone(state)))).toBe(JSON.stringify(progressMessage(state)));
  });

  it('replace the buttons with the outcome once decided', () => {
    const decided: ApprovalState = {
      ...approval,
      status: 'rejected',
      decisions: [
        { approver: 'U0BOB', decision: 'reject', reason: 'wrong user', at: '2026-11-23T08:05:00.000Z', via: 'human' },
      ],
    };
    const message = approvalMessage(state, decided);
    expect(message.blocks.some((block) => block.type === 'actions' || block.type === 'input')).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain('Rejected by <@U0BOB> <!date^');
    expect(JSON.stringify(message.blocks)).toContain('wrong user');
  });
});

describe('an approval request too large for one message (issue 10, attack 6a)', () => {
  const users = Array.from({ length: 300 }, (_, index) => ({
    userId: `00u${index}`,
    login: `user${index}@example.com`,
  }));
  const shown = Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`signal${index}`, `value ${index}`]));
  const big: ApprovalState = { ...approval, input: users, shown };

  it('says how many inputs and shown values it leaves out, and where the rest is', () => {
    expect(requestFits(approval)).toBe(true);
    expect(requestFits(big)).toBe(false);
    const text = JSON.stringify(approvalMessage(state, big).blocks);
    const shown = /showing (\d+) of 300 items; (\d+) more not shown here/.exec(text);
    expect(shown).not.toBeNull();
    expect(Number(shown?.[1]) + Number(shown?.[2])).toBe(300);
    expect(text).toContain('4 more values not shown (signal10, signal11, signal12, signal13)');
    expect(text).toContain('the full request is in the thread of this approval request');
    expect(validateBlocks(approvalMessage(state, big).blocks)).toEqual([]);
  });

  it('says so when one long input is cut', () => {
    const text = JSON.stringify(approvalMessage(state, { ...approval, input: { note: 'y'.repeat(10_000) } }).blocks);
    expect(text).toMatch(/showing the first \d+ of 10\d{3} characters of the inputs/);
  });

  it('puts every input and every shown value in the thread messages, with the hash', () => {
    const messages = fullRequestMessages(state, big);
    // The sections' code blocks, put back together.
    const all = messages
      .flatMap((message) => message.blocks)
      .flatMap((block) => (block.type === 'section' && block.text ? [block.text.text.slice(3, -3)] : []))
      .join('');
    for (const user of users) expect(all).toContain(user.login);
    for (const label of Object.keys(shown)) expect(all).toContain(label);
    expect(JSON.stringify(messages[0]?.blocks[0])).toContain('c'.repeat(64));
    for (const message of messages) expect(validateBlocks(message.blocks)).toEqual([]);
  });
});
