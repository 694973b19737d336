/**
 * Attack: whoever controls `cordon serve` must not be able to forge an approval or start a run in someone's name. Here
 * serve holds only what it needs (the bot token, no signing secret): it screens requests cheaply and forwards them with
 * Slack's signature; the worker, which alone holds the secret, verifies every click and every Slack-started run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { APPROVE_ACTION } from '../../slack/decision-buttons';
import { interactionBody, sendSigned, signSlackRequest, slashCommandBody } from '../../stand-ins/slack';
import { statusQuery } from '../../workflows/messages';
import { PEOPLE, RUNS_CHANNEL, SIGNING_SECRET, startSlackTestbed, type SlackTestbed } from '../support/slack-testbed';
import { pendingApproval, waitForState } from '../support/wait';
import { gatedPlaybook } from '../support/gated-playbook';

const playbook = gatedPlaybook({
  id: 'forwarded',
  subject: true,
  approval: '      approvers: { groups: [secops-oncall] }',
});

const FORGER_SECRET = 'what-a-compromised-serve-might-guess';

let bed: SlackTestbed;
beforeAll(async () => {
  bed = await startSlackTestbed({
    playbooks: [playbook],
    serveHoldsSecret: false,
    intake: { maxBodyBytes: 64 * 1024, maxAgeMs: 5 * 60 * 1000, perSecond: 1000, burst: 1000 },
  });
});
afterAll(async () => bed?.close());

const plan = () => {
  const found = bed.plans[0];
  if (!found) throw new Error('no plan');
  return found;
};

/** The actions that ran on a target, once each. */
const touched = (target: string) =>
  bed.harness
    .ledger()
    .filter((entry) => entry.target === target && entry.phase === 'start')
    .map((entry) => entry.action);

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof WorkflowFailedError) || !(error.cause instanceof ApplicationFailure)) {
    throw new Error(`expected the run to fail with an ApplicationFailure, got ${String(error)}`);
  }
  return error.cause;
}

describe('cordon serve without the signing secret', () => {
  it('forwards a forged click, which the worker refuses and records; the step stays waiting', async () => {
    expect(bed.app.verifiesRequests).toBe(false);
    const { handle, workflowId } = await bed.startFromSlack(plan(), { target: 'forged-click' });
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');

    const forged = await bed.click(message, APPROVE_ACTION, PEOPLE.bob, { signingSecret: FORGER_SECRET });
    expect(forged.response.status).toBe(200);
    const answer = await bed.answer(forged.responseUrl);
    expect(answer.body.text).toMatch(/Not recorded: not verified: the Slack request's signature does not match/);

    const state = await waitForState(handle, (current) => (current.approvals[0]?.refused ?? []).length > 0);
    expect(state.approvals[0]).toMatchObject({ status: 'pending', decisions: [] });
    expect(state.approvals[0]?.refused?.[0]).toMatchObject({ claimed: PEOPLE.bob, channel: 'slack' });
    expect(state.approvals[0]?.refused?.[0]?.problem).toMatch(/signature does not match the signing secret/);
    expect(touched('forged-click')).toEqual(['test.read']);
    await handle.cancel();
  });

  it('forwards a click Slack signed, which the worker verifies and counts', async () => {
    const { handle, workflowId } = await bed.startFromSlack(plan(), { target: 'real-click' });
    await pendingApproval(handle, 'destroy');
    const message = await bed.posted(workflowId, 'approval:destroy');
    const click = await bed.click(message, APPROVE_ACTION, PEOPLE.bob);
    expect(click.response.status).toBe(200);
    const result = await handle.result();
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded']);
    expect((await handle.query(statusQuery)).approvals[0]?.decisions[0]).toMatchObject({
      approver: PEOPLE.bob,
      channel: 'slack',
      verification: `Slack request signature, user ${PEOPLE.bob}`,
    });
  });

  it('starts a run from a forged slash command that fails RequestNotVerified before any step', async () => {
    const sent = await bed.command(`run forwarded target=forged-command`, PEOPLE.mallory, {
      signingSecret: FORGER_SECRET,
    });
    expect(sent.response.status).toBe(200);
    const workflowId = /`([^`]+)`/.exec(String((await sent.reply()).body.text))?.[1];
    expect(workflowId).toBeDefined();
    const failure = await failureOf(bed.harness.client.workflow.getHandle(workflowId ?? '').result());
    expect(failure.type).toBe('RequestNotVerified');
    expect(failure.message).toMatch(/signature does not match the signing secret/);
    expect(touched('forged-command')).toEqual([]);
    expect(bed.allPosted(workflowId ?? '', 'progress')).toEqual([]);
    // `cordon status` of the closed run says it was refused, not that it is still running.
    const state = await bed.harness.client.workflow.getHandle(workflowId ?? '').query(statusQuery);
    expect(state.status).toBe('failed');
    for (const step of state.steps) {
      expect(step.status).toBe('skipped');
      expect(step.reason).toMatch(/^the worker refused the run: .*does not verify/);
    }
  });

  it('runs the playbook for a slash command Slack signed', async () => {
    const sent = await bed.command(`run forwarded target=real-command`, PEOPLE.requester);
    const workflowId = /`([^`]+)`/.exec(String((await sent.reply()).body.text))?.[1] ?? '';
    const handle = bed.harness.client.workflow.getHandle(workflowId);
    const approval = await pendingApproval(handle, 'destroy');
    expect(approval.stepId).toBe('destroy');
    expect(touched('real-command')).toEqual(['test.read']);
    await handle.cancel();
  });

  it("refuses a run that reuses someone's signed slash command for another requester, target or playbook", async () => {
    const body = slashCommandBody({
      command: '/cordon',
      text: 'run forwarded target=what-alice-typed',
      userId: PEOPLE.alice,
      channelId: RUNS_CHANNEL,
      responseUrl: bed.slack.responseUrl({ channel: RUNS_CHANNEL }),
    });
    const headers = signSlackRequest(SIGNING_SECRET, body);
    const slackRequest = {
      body,
      timestamp: headers['x-slack-request-timestamp'],
      signature: headers['x-slack-signature'],
    };
    const trigger = { kind: 'slack', channel: RUNS_CHANNEL } as const;
    const asMallory = await bed.harness.start(
      plan(),
      { target: 'what-alice-typed' },
      { requester: PEOPLE.mallory, trigger, slackRequest },
    );
    const otherTarget = await bed.harness.start(
      plan(),
      { target: 'what-the-forger-wants' },
      { requester: PEOPLE.alice, trigger, slackRequest },
    );
    const unsigned = await bed.harness.start(
      plan(),
      { target: 'unsigned-start' },
      { requester: PEOPLE.alice, trigger },
    );
    expect((await failureOf(asMallory.handle.result())).message).toMatch(
      `typed by Slack user ${PEOPLE.alice}, not by the run's requester ${PEOPLE.mallory}`,
    );
    expect((await failureOf(otherTarget.handle.result())).message).toMatch(
      "the run's inputs are not those of the signed slash command",
    );
    const refused = await failureOf(unsigned.handle.result());
    expect(refused.type).toBe('RequestNotVerified');
    expect(refused.message).toMatch(/carries no slash command signed by Slack/);
    expect([...touched('what-alice-typed'), ...touched('what-the-forger-wants'), ...touched('unsigned-start')]).toEqual(
      [],
    );
  });

  it('screens what Slack never sends: no or malformed signature, stale, replayed, oversized', async () => {
    const body = slashCommandBody({
      command: '/cordon',
      text: 'help',
      userId: PEOPLE.alice,
      channelId: RUNS_CHANNEL,
      responseUrl: bed.slack.responseUrl({ channel: RUNS_CHANNEL }),
    });
    const unsigned = await sendSigned(bed.eventsUrl, body, { signingSecret: SIGNING_SECRET, signature: false });
    const malformed = await sendSigned(bed.eventsUrl, body, { signingSecret: SIGNING_SECRET, signature: 'v0=nope' });
    const stale = await sendSigned(bed.eventsUrl, body, {
      signingSecret: SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await sendSigned(bed.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp });
    const replayed = await sendSigned(bed.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp });
    const oversized = await sendSigned(bed.eventsUrl, interactionBody({ filler: 'x'.repeat(70 * 1024) }), {
      signingSecret: SIGNING_SECRET,
    });
    expect([unsigned, malformed, stale, first, replayed, oversized].map((response) => response.status)).toEqual([
      401, 401, 401, 200, 401, 413,
    ]);
    expect(replayed.text).toContain('already received');
  });

  it('never posts to a response_url that is not Slack’s', async () => {
    const body = slashCommandBody({
      command: '/cordon',
      text: 'help',
      userId: PEOPLE.alice,
      channelId: RUNS_CHANNEL,
      responseUrl: 'http://127.0.0.1:9/elsewhere',
    });
    const before = bed.warnings.length;
    const response = await sendSigned(bed.eventsUrl, body, { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(200);
    await waitForWarning(before, /response_url is not Slack's/);
  });

  it('does not answer status or list, which would tell a forger about runs and playbooks', async () => {
    const status = await bed.command('status some-run', PEOPLE.requester);
    const list = await bed.command('list', PEOPLE.requester);
    expect((await status.reply()).body.text).toMatch(/is not answered here: this cordon server does not hold Slack's/);
    expect((await list.reply()).body.text).toMatch(/is not answered here/);
  });
});

async function waitForWarning(from: number, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (bed.warnings.slice(from).some((line) => pattern.test(line))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no warning matching ${pattern} in: ${bed.warnings.slice(from).join('\n')}`);
}
