import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../support/people';
import { APPROVE_ACTION } from '../../slack/decision-buttons';
import type { CallRecord, StoredMessage } from '../../stand-ins/slack';
import { PEOPLE, RUNS_CHANNEL, startSlackTestbed, textOf, type SlackTestbed } from '../support/slack-testbed';
import { pendingApproval, waitForState } from '../support/wait';

const steps = `
id: slack-steps
title: Three steps in a row
inputs:
  target: { type: string }
steps:
  - id: first
    action: test.mark
    with: { target: "\${{ inputs.target }}-1", holdMs: 1000 }
  - id: second
    action: test.mark
    needs: [first]
    with: { target: "\${{ inputs.target }}-2", holdMs: 1000 }
  - id: third
    action: test.read
    needs: [second]
    with: { target: "\${{ inputs.target }}-3", holdMs: 1000 }
`;

const gated = `
id: slack-slow-gate
title: A gate after a slow step
inputs:
  target: { type: string }
steps:
  - id: prepare
    action: test.read
    with: { target: "\${{ inputs.target }}", holdMs: 1500 }
  - id: destroy
    action: test.destroy
    needs: [prepare]
    with: { target: "\${{ inputs.target }}" }
    approval:
      approvers: { groups: [secops-oncall] }
`;

let bed: SlackTestbed;
beforeAll(async () => {
  bed = await startSlackTestbed({ playbooks: [steps, gated], defaultChannel: RUNS_CHANNEL });
});
afterAll(async () => bed?.close());

const plan = (id: string) => {
  const found = bed.plans.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no plan ${id}`);
  return found;
};

/** Each step's status in a rendered progress message. */
function statuses(blocks: unknown): Record<string, string> {
  const text = JSON.stringify(blocks);
  return Object.fromEntries(
    [...text.matchAll(/`([a-z]+)` [a-z._]+ — \*([a-z ]+)\*/g)].map((match): [string, string] => [
      match[1] ?? '',
      match[2] ?? '',
    ]),
  );
}

/** The blocks of the post and every update of a run's progress message, in order. */
function renderings(workflowId: string, message: StoredMessage): unknown[] {
  const metadataOf = (call: CallRecord) =>
    (call.params.metadata as { event_payload?: { key?: string; workflow_id?: string } } | undefined)?.event_payload;
  return bed.slack.calls
    .filter(
      (call) =>
        call.ok &&
        ((call.method === 'chat.postMessage' &&
          metadataOf(call)?.workflow_id === workflowId &&
          metadataOf(call)?.key === 'progress') ||
          (call.method === 'chat.update' && call.params.ts === message.ts && call.params.channel === message.channel)),
    )
    .map((call) => call.params.blocks);
}

describe('Slack progress messages', () => {
  it('follow the steps: one message per run, updated as each step starts and finishes, and a summary in its thread', async () => {
    const { handle, workflowId } = await bed.harness.start(
      plan('slack-steps'),
      { target: 'progress' },
      { requester: 'detection:okta', trigger: { kind: 'detection', source: 'okta' } },
    );
    await handle.result();
    const summary = await bed.posted(workflowId, 'summary');

    const [progress, ...duplicates] = bed.allPosted(workflowId, 'progress');
    expect(duplicates).toEqual([]);
    if (!progress) throw new Error('no progress message');
    expect(progress.channel).toBe(RUNS_CHANNEL);
    expect(statuses(progress.blocks)).toEqual({ first: 'succeeded', second: 'succeeded', third: 'succeeded' });
    expect(textOf(progress)).toContain(`cordon audit ${workflowId}`);

    const updates = bed.slack.callsOf('chat.update').filter((call) => call.params.ts === progress.ts);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    const seen = renderings(workflowId, progress).map(statuses);
    const order = ['pending', 'running', 'succeeded'];
    for (const step of ['first', 'second', 'third']) {
      const trail = seen.map((rendering) => rendering[step]).filter((status): status is string => status !== undefined);
      expect(trail).toContain('running');
      expect(trail.at(-1)).toBe('succeeded');
      // Never backwards: the notifications of a run go out in order.
      const ranks = trail.map((status) => order.indexOf(status));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }

    expect(summary.threadTs).toBe(progress.ts);
    expect(textOf(summary)).toContain(`cordon audit ${workflowId}`);
    expect(textOf(summary)).toContain('3 succeeded');
  });

  it('does not post a message twice when Slack posted it but the answer was lost', async () => {
    bed.slack.failNext('chat.postMessage', { kind: 'lostAnswer' }, 1);
    const { handle, workflowId } = await bed.startFromSlack(plan('slack-steps'), { target: 'lost-answer' });
    await handle.result();
    await bed.posted(workflowId, 'summary');
    expect(bed.allPosted(workflowId, 'progress')).toHaveLength(1);
    expect(bed.slack.callsOf('conversations.history').length).toBeGreaterThan(0);
  });

  it('retries an approval request through a Slack outage and a rate limit, and the run completes once Slack is back', async () => {
    const { handle, workflowId } = await bed.startFromSlack(plan('slack-slow-gate'), { target: 'outage' });
    await bed.posted(workflowId, 'progress');
    const before = bed.slack.callsOf('chat.postMessage').length;
    bed.slack.failNext('chat.postMessage', { kind: 'status', status: 503 }, 2);
    bed.slack.failNext('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 }, 1);

    const request = await bed.posted(workflowId, 'approval:destroy');
    const attempts = bed.slack.callsOf('chat.postMessage').slice(before);
    expect(attempts.slice(0, 3).map((call) => call.status)).toEqual([503, 503, 429]);

    await bed.click(request, APPROVE_ACTION, PEOPLE.carol);
    const result = await handle.result();
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded']);
    expect(bed.allPosted(workflowId, 'approval:destroy')).toHaveLength(1);
    expect(bed.allPosted(workflowId, 'progress')).toHaveLength(1);
  });

  it('still takes approvals from the CLI while Slack is down; nothing waits for Slack', async () => {
    bed.slack.failNext('chat.postMessage', { kind: 'status', status: 502 }, 10_000);
    bed.slack.failNext('chat.update', { kind: 'status', status: 502 }, 10_000);
    const { handle, workflowId } = await bed.startFromSlack(plan('slack-slow-gate'), { target: 'slack-down' });
    await pendingApproval(handle, 'destroy');
    await decide(bed.harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: PEOPLE.bob });
    const state = await waitForState(handle, (current) => current.steps.every((step) => step.status === 'succeeded'));
    expect(state.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded']);
    expect(bed.allPosted(workflowId, 'progress')).toEqual([]);

    bed.slack.clearFaults();
    await handle.result();
    const progress = await bed.posted(workflowId, 'progress');
    await bed.posted(workflowId, 'summary');
    expect(bed.allPosted(workflowId, 'progress')).toHaveLength(1);
    expect(statuses(bed.slack.state.message(progress.channel, progress.ts)?.blocks)).toEqual({
      prepare: 'succeeded',
      destroy: 'succeeded',
    });
    const request = await bed.posted(workflowId, 'approval:destroy');
    expect(textOf(request)).toContain(`Approved by <@${PEOPLE.bob}>`);
  });
});
