import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackStandIn, type SlackStandIn } from '../../stand-ins/slack';

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await startSlackStandIn({
    channels: [{ id: 'C0RUNS', name: 'sec-runs' }],
    users: [{ id: 'U0BOB', name: 'bob' }],
    usergroups: [{ id: 'S0ONCALL', handle: 'secops-oncall', users: ['U0BOB'] }],
  });
});
afterAll(async () => slack?.close());

async function call(method: string, init: { form?: Record<string, string>; json?: unknown; token?: string | null }) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? slack.token}`;
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(init.json);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form ?? {}).toString();
  }
  const response = await fetch(`${slack.apiUrl}${method}`, { method: 'POST', headers, body });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the local Slack', () => {
  it('takes form and JSON bodies, with the token as a bearer header or a form field', async () => {
    const form = await call('chat.postMessage', {
      form: { channel: '#sec-runs', text: 'hi', blocks: JSON.stringify([{ type: 'divider' }]) },
    });
    expect(form).toMatchObject({ status: 200, body: { ok: true, channel: 'C0RUNS' } });
    const json = await call('chat.update', { json: { channel: 'C0RUNS', ts: form.body.ts, text: 'edited' } });
    expect(json.body).toMatchObject({ ok: true, ts: form.body.ts, text: 'edited' });
    const field = await call('auth.test', { form: { token: slack.token }, token: null });
    expect(field.body).toMatchObject({ ok: true, user_id: 'U0CORDONBOT' });
    expect(slack.callsOf('chat.postMessage').at(-1)?.params.blocks).toEqual([{ type: 'divider' }]);
  });

  it('answers errors as Slack does: ok false with HTTP 200', async () => {
    expect((await call('auth.test', { token: null })).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await call('auth.test', { token: 'xoxb-wrong' })).body).toEqual({ ok: false, error: 'invalid_auth' });
    const unknownTs = await call('chat.update', { form: { channel: 'C0RUNS', ts: '1.000001', text: 'x' } });
    expect(unknownTs).toMatchObject({ status: 200, body: { ok: false, error: 'message_not_found' } });
    expect((await call('chat.postMessage', { form: { channel: 'C0NOPE', text: 'x' } })).body.error).toBe(
      'channel_not_found',
    );
    expect((await call('chat.postMessage', { form: { channel: 'C0RUNS' } })).body.error).toBe('no_text');
    const badBlocks = await call('chat.postMessage', {
      form: { channel: 'C0RUNS', blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '' } }]) },
    });
    expect(badBlocks.body).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect((await call('usergroups.users.list', { form: { usergroup: 'S0NOPE' } })).body.error).toBe('no_such_subteam');
  });

  it('fails the next calls of a method as told: an error, a 5xx, or 429 with Retry-After', async () => {
    slack.failNext('users.info', { kind: 'error', error: 'fatal_error' });
    slack.failNext('users.info', { kind: 'status', status: 503 });
    slack.failNext('users.info', { kind: 'ratelimited', retryAfterSeconds: 3 });
    expect((await call('users.info', { form: { user: 'U0BOB' } })).body).toEqual({ ok: false, error: 'fatal_error' });
    expect((await call('users.info', { form: { user: 'U0BOB' } })).status).toBe(503);
    const limited = await call('users.info', { form: { user: 'U0BOB' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await call('users.info', { form: { user: 'U0BOB' } })).body).toMatchObject({
      ok: true,
      user: { name: 'bob' },
    });
  });

  it('goes down (connections refused, or 503 for every call) and comes back on the same address with its state', async () => {
    const before = await call('chat.postMessage', { form: { channel: 'C0RUNS', text: 'before the outage' } });
    expect(before.body.ok).toBe(true);
    const messages = slack.messagesIn('C0RUNS').length;

    await slack.goDown('refused');
    await expect(call('chat.postMessage', { form: { channel: 'C0RUNS', text: 'lost' } })).rejects.toThrow(
      /fetch failed/,
    );
    await expect(slack.goDown('unavailable')).rejects.toThrow(/already down \(refused\)/);
    await slack.comeBack();
    expect((await call('chat.postMessage', { form: { channel: 'C0RUNS', text: 'back' } })).body.ok).toBe(true);

    await slack.goDown('unavailable');
    const refused = await call('chat.postMessage', { form: { channel: 'C0RUNS', text: 'lost too' } });
    expect(refused).toMatchObject({ status: 503, body: { ok: false, error: 'service_unavailable' } });
    expect(slack.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', status: 503, ok: false });
    await slack.comeBack();

    expect(
      slack
        .messagesIn('C0RUNS')
        .map((message) => message.text)
        .slice(messages - 1),
    ).toEqual(['before the outage', 'back']);
  });

  it('lists user groups and their members, and keeps messages with their metadata for the history', async () => {
    const groups = await call('usergroups.list', { form: { include_users: 'true' } });
    expect(groups.body.usergroups).toEqual([
      expect.objectContaining({ id: 'S0ONCALL', handle: 'secops-oncall', users: ['U0BOB'] }),
    ]);
    expect((await call('usergroups.users.list', { form: { usergroup: 'S0ONCALL' } })).body.users).toEqual(['U0BOB']);
    const metadata = { event_type: 'cordon_message', event_payload: { key: 'k' } };
    const posted = await call('chat.postMessage', { json: { channel: 'C0RUNS', text: 'with metadata', metadata } });
    const history = await call('conversations.history', { form: { channel: 'C0RUNS', include_all_metadata: 'true' } });
    expect((history.body.messages as Array<Record<string, unknown>>)[0]).toMatchObject({
      ts: posted.body.ts,
      metadata,
    });
    const plain = await call('conversations.history', { form: { channel: 'C0RUNS' } });
    expect((plain.body.messages as Array<Record<string, unknown>>)[0]?.metadata).toBeUndefined();
  });

  it('records what is posted to a response_url, and replaces the clicked message when told to', async () => {
    const posted = await call('chat.postMessage', { form: { channel: 'C0RUNS', text: 'original' } });
    const url = slack.responseUrl({ channel: 'C0RUNS', messageTs: String(posted.body.ts) });
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'replaced' }),
    });
    expect(answer.status).toBe(200);
    expect(slack.responsesTo(url)).toEqual([
      expect.objectContaining({ body: { replace_original: true, text: 'replaced' } }),
    ]);
    expect(slack.state.message('C0RUNS', String(posted.body.ts))?.text).toBe('replaced');
  });
});
