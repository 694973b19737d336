import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDedupeKey, workflowIdFor } from '../../runs/workflow-id';
import { statusQuery } from '../../workflows/messages';
import { PEOPLE, RUNS_CHANNEL, startSlackTestbed, textOf, type SlackTestbed } from '../support/slack-testbed';
import { pendingApproval } from '../support/wait';

const playbook = (id: string) => `
id: ${id}
title: Contain ${id}
inputs:
  target: { type: string }
  login: { type: email, default: nobody@example.com }
steps:
  - id: look
    action: test.read
    with: { target: "\${{ inputs.target }}" }
  - id: destroy
    action: test.destroy
    needs: [look]
    with: { target: "\${{ inputs.target }}" }
    approval:
      approvers: { groups: [secops-oncall] }
`;

let bed: SlackTestbed;
beforeAll(async () => {
  bed = await startSlackTestbed({
    playbooks: [playbook('slack-open'), playbook('slack-restricted')],
    permissions: {
      'slack-restricted': { users: [PEOPLE.requester], groups: ['secops-oncall'] },
      '*': { users: [PEOPLE.requester, PEOPLE.mallory], groups: [] },
    },
  });
});
afterAll(async () => bed?.close());

function workflowIdOf(id: string, inputs: Record<string, unknown>): string {
  const plan = bed.plans.find((candidate) => candidate.id === id);
  if (!plan) throw new Error(`no plan ${id}`);
  return workflowIdFor(plan, planDedupeKey(plan, { login: 'nobody@example.com', ...inputs }));
}

async function exists(workflowId: string): Promise<boolean> {
  try {
    await bed.harness.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

describe('the slash command', () => {
  it('starts a run when signed, answering only the requester, and posts its progress in the channel', async () => {
    const sent = await bed.command('run slack-open target=from-slack', PEOPLE.requester);
    expect(sent.response.status).toBe(200);
    const reply = await sent.reply();
    const workflowId = workflowIdOf('slack-open', { target: 'from-slack' });
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(reply.body.text).toContain(`Started \`${workflowId}\``);

    const handle = bed.harness.client.workflow.getHandle(workflowId);
    const state = await handle.query(statusQuery);
    expect(state.requester).toBe(PEOPLE.requester);
    expect(state.trigger).toMatchObject({ kind: 'slack', channel: RUNS_CHANNEL });
    expect(state.inputs).toEqual({ target: 'from-slack', login: 'nobody@example.com' });
    const progress = await bed.posted(workflowId, 'progress', RUNS_CHANNEL);
    expect(textOf(progress)).toContain(workflowId);
    await pendingApproval(handle, 'destroy');
    await handle.cancel();
  });

  it('reads inputs as Slack formats them (a mailto link for an e-mail address, curly quotes)', async () => {
    const sent = await bed.command(
      'run slack-open target=\u201Ctwo words\u201D login=<mailto:Alice@Example.com|Alice@Example.com>',
      PEOPLE.requester,
    );
    const reply = await sent.reply();
    const workflowId = workflowIdOf('slack-open', { target: 'two words', login: 'Alice@Example.com' });
    expect(reply.body.text).toContain(workflowId);
    const handle = bed.harness.client.workflow.getHandle(workflowId);
    expect((await handle.query(statusQuery)).inputs).toEqual({ target: 'two words', login: 'Alice@Example.com' });
    await handle.cancel();
  });

  it('answers an unsigned, forged or stale command with 401 and starts nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      { target: 'unsigned', options: { signature: false as const } },
      { target: 'forged', options: { signature: `v0=${'0'.repeat(64)}` } },
      { target: 'wrong-secret', options: { signingSecret: 'not-the-secret' } },
      { target: 'stale', options: { timestamp: now - 6 * 60 } },
    ];
    const sent = await Promise.all(
      attempts.map(({ target, options }) => bed.command(`run slack-open target=${target}`, PEOPLE.requester, options)),
    );
    expect(sent.map((attempt) => attempt.response.status)).toEqual([401, 401, 401, 401]);
    await sleep(1000);
    for (const [index, attempt] of sent.entries()) {
      expect(bed.slack.responsesTo(attempt.responseUrl)).toEqual([]);
      expect(await exists(workflowIdOf('slack-open', { target: attempts[index]?.target }))).toBe(false);
    }
  });

  it('refuses a user who may not run the playbook, and starts nothing', async () => {
    const sent = await bed.command('run slack-restricted target=not-yours', PEOPLE.mallory);
    const reply = await sent.reply();
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(reply.body.text).toContain('you may not run slack-restricted');
    expect(await exists(workflowIdOf('slack-restricted', { target: 'not-yours' }))).toBe(false);
  });

  it('lets a member of an allowed Slack user group run the playbook', async () => {
    const sent = await bed.command('run slack-restricted target=group-member', PEOPLE.bob);
    const reply = await sent.reply();
    const workflowId = workflowIdOf('slack-restricted', { target: 'group-member' });
    expect(reply.body.text).toContain(`Started \`${workflowId}\``);
    const handle = bed.harness.client.workflow.getHandle(workflowId);
    expect((await handle.query(statusQuery)).requester).toBe(PEOPLE.bob);
    await handle.cancel();
  });

  it('says which input is wrong and why, and starts nothing', async () => {
    const missing = await (await bed.command('run slack-open', PEOPLE.requester)).reply();
    expect(missing.body.text).toMatch(/Nothing started: the inputs do not fit `slack-open`/);
    expect(missing.body.text).toMatch(/target/);

    const bad = await (await bed.command('run slack-open target=x login=not-an-address', PEOPLE.requester)).reply();
    expect(bad.body.text).toMatch(/login/);
    expect(bad.body.text).toMatch(/not an e-mail address/);
    expect(await exists(workflowIdOf('slack-open', { target: 'x', login: 'not-an-address' }))).toBe(false);

    const unknown = await (await bed.command('run no-such-playbook target=x', PEOPLE.requester)).reply();
    expect(unknown.body.text).toContain('there is no playbook `no-such-playbook`');
    expect(unknown.body.text).toContain('`slack-open`');

    const garbled = await (await bed.command('run slack-open target', PEOPLE.requester)).reply();
    expect(garbled.body.text).toContain('"target" is not name=value');
  });

  it('lists playbooks, shows a run’s status, and explains itself', async () => {
    const list = await (await bed.command('list', PEOPLE.mallory)).reply();
    expect(list.body.text).toContain('*slack-open*');
    expect(list.body.text).toMatch(/\*slack-restricted\*.*not open to you/);

    const started = await (await bed.command('run slack-open target=status-me', PEOPLE.requester)).reply();
    const workflowId = workflowIdOf('slack-open', { target: 'status-me' });
    expect(started.body.text).toContain(workflowId);
    const handle = bed.harness.client.workflow.getHandle(workflowId);
    await pendingApproval(handle, 'destroy');
    const status = await (await bed.command(`status ${workflowId}`, PEOPLE.alice)).reply();
    expect(JSON.stringify(status.body.blocks)).toContain('waits for');
    expect(JSON.stringify(status.body.blocks)).toContain('`destroy`');
    await handle.cancel();

    const missing = await (await bed.command('status cordon/nothing/here', PEOPLE.alice)).reply();
    expect(missing.body.text).toBe('No run `cordon/nothing/here`.');

    const help = await (await bed.command('help', PEOPLE.alice)).reply();
    expect(help.body.text).toContain('/cordon run PLAYBOOK name=value');
  });
});
