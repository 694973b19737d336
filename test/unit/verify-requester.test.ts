/** The worker's check of a Slack-started run against the slash command Slack signed for it. */
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { createRequesterVerifier, type VerifyRequesterInput } from '../../activities/verify-requester';
import { compilePlaybookSource } from '../../dsl';
import { slackSignatureOf, type SignedSlackRequest } from '../../slack/signed-request';

const SECRET = 'unit-signing-secret';
const plan = compilePlaybookSource(
  `
id: contain
title: Contain
inputs:
  login: { type: email }
steps:
  - id: user
    action: okta.get_user
    with: { login: "\${{ inputs.login }}" }
`,
  'contain.yaml',
  builtinRegistry,
);
const START = Date.parse('2026-11-29T12:00:00Z');

function command(fields: Record<string, string>, signedAt = START): SignedSlackRequest {
  const body = new URLSearchParams({
    command: '/cordon',
    user_id: 'U0ALICE',
    channel_id: 'C0RUNS',
    text: 'run contain login=<mailto:bob@example.com|bob@example.com>',
    response_url: 'https://hooks.slack.com/commands/x',
    ...fields,
  }).toString();
  const timestamp = String(Math.floor(signedAt / 1000));
  return { body, timestamp, signature: slackSignatureOf(SECRET, timestamp, body) };
}

function input(changes: Partial<VerifyRequesterInput> = {}): VerifyRequesterInput {
  return {
    plan,
    inputs: { login: 'bob@example.com' },
    requester: 'U0ALICE',
    channel: 'C0RUNS',
    startedAt: new Date(START + 2000).toISOString(),
    request: command({}),
    ...changes,
  };
}

const verify = createRequesterVerifier({ slackSigningSecret: SECRET });

describe('cordon.verify_requester', () => {
  it('accepts the run Slack signed: requester, channel, playbook and inputs as typed (Slack formatting undone)', async () => {
    expect(await verify(input())).toEqual([]);
  });

  it('refuses a run with no signed command, or on a worker without the signing secret', async () => {
    expect(await verify(input({ request: undefined }))).toEqual([
      'the run says it was started from Slack, but carries no slash command signed by Slack',
    ]);
    expect(await createRequesterVerifier({})(input())).toEqual([
      'this worker has no Slack signing secret (SLACK_SIGNING_SECRET), so it cannot verify a Slack request',
    ]);
  });

  it('refuses a command signed more than five minutes before the server started the run', async () => {
    const [problem] = await verify(input({ request: command({}, START - 6 * 60 * 1000) }));
    expect(problem).toMatch(/^when the run started, the Slack request is 362s old \(at most 300s\)$/);
  });

  it('refuses another channel, another playbook, another subcommand, and a tampered body', async () => {
    expect(await verify(input({ channel: 'C0OTHER' }))).toEqual([
      "the signed slash command was typed in channel C0RUNS, not in the run's channel C0OTHER",
    ]);
    expect(await verify(input({ request: command({ text: 'run other login=bob@example.com' }) }))).toEqual([
      'the signed slash command runs playbook other, not contain',
    ]);
    expect(await verify(input({ request: command({ text: 'status x' }) }))).toEqual([
      'the signed slash command does not start a run',
    ]);
    const signed = command({});
    const tampered = { ...signed, body: signed.body.replace('U0ALICE', 'U0MALLORY') };
    expect(await verify(input({ request: tampered, requester: 'U0MALLORY' }))).toEqual(
      ["the Slack request's signature does not match the signing secret"].map(
        (problem) => `when the run started, ${problem}`,
      ),
    );
  });
});
