import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { interactionBody, signSlackRequest, slashCommandBody } from '../../stand-ins/slack/requests';

const secret = 'local-signing-secret';

describe('the local Slack’s signed requests', () => {
  it('carry the signature Bolt verifies, over the exact body', () => {
    const body = slashCommandBody({
      command: '/cordon',
      text: 'run pb a=b',
      userId: 'U1',
      channelId: 'C1',
      responseUrl: 'http://x/r',
    });
    const headers = signSlackRequest(secret, body);
    const verify = (rawBody: string, signature = headers['x-slack-signature']) =>
      verifySlackRequest({
        signingSecret: secret,
        body: rawBody,
        headers: {
          'x-slack-signature': signature,
          'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
        },
      });
    expect(() => verify(body)).not.toThrow();
    expect(() => verify(`${body}&x=1`)).toThrow(/signature mismatch/);
    const payload = interactionBody({ type: 'block_actions', actions: [] });
    expect(payload.startsWith('payload=')).toBe(true);
  });

  it('are refused by Bolt when older than five minutes', () => {
    const timestamp = Math.floor(Date.now() / 1000) - 301;
    const headers = signSlackRequest(secret, 'a=b', timestamp);
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body: 'a=b',
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': timestamp },
      }),
    ).toThrow(/stale/);
  });
});
