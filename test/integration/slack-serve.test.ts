import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sendSigned, slashCommandBody, startSlackStandIn, type SlackStandIn } from '../../stand-ins/slack';
import { cordon, exited } from '../support/cli';

const SECRET = 'serve-test-signing-secret';
const running: ChildProcess[] = [];
let slack: SlackStandIn;
let playbooks: string;

beforeAll(async () => {
  slack = await startSlackStandIn({ channels: [{ id: 'C0RUNS', name: 'sec-runs' }] });
  playbooks = await mkdtemp(path.join(os.tmpdir(), 'cordon-serve-'));
  await writeFile(
    path.join(playbooks, 'served.yaml'),
    'id: served\ntitle: Served playbook\nsteps:\n  - id: greet\n    action: core.log\n    with: { message: hello }\n',
  );
});
afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await slack?.close();
});

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    CORDON_TASK_QUEUE: `serve-${process.pid}`,
    CORDON_PLAYBOOKS_DIR: playbooks,
    // The receiver keeps accepted event ids under the data folder: a test's own, not the repository's .cordon.
    CORDON_DATA_DIR: playbooks,
    OKTA_EVENT_HOOK_SECRET: 'okta-hook-secret-for-serve-tests',
    SLACK_BOT_TOKEN: '',
    SLACK_SIGNING_SECRET: '',
    ...extra,
  };
}

/** Starts `cordon serve` on a free port and resolves with its URL once it listens. */
function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve('cli/main.ts'), 'serve', '--port', '0', '--host', '127.0.0.1'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /cordon serve on (http:\/\/[\d.:]+)/.exec(output)?.[1];
      if (url && output.includes('Ctrl-C stops')) resolve({ child, url, output: () => output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`cordon serve exited with ${code}:\n${output}`)));
  });
}

describe('cordon serve', () => {
  it('serves the Slack app, the detection hooks and /healthz on one port, and stops on SIGTERM', async () => {
    const { child, url, output } = await serve(
      environment({ SLACK_BOT_TOKEN: slack.token, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
    );
    expect(output()).toContain('Slack: /cordon and interactivity at /slack/events');
    expect(output()).toContain('SLACK_RUN_PERMISSIONS is not set');

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, slack: true });

    const responseUrl = slack.responseUrl({ channel: 'C0RUNS' });
    const body = slashCommandBody({
      command: '/cordon',
      text: 'list',
      userId: 'U0ALICE',
      channelId: 'C0RUNS',
      responseUrl,
    });
    expect((await sendSigned(`${url}/slack/events`, body, { signingSecret: SECRET })).status).toBe(200);
    const reply = await slack.waitFor(() => slack.responsesTo(responseUrl)[0]);
    expect(reply.body.text).toContain('*served* — Served playbook');
    expect((await sendSigned(`${url}/slack/events`, body, { signingSecret: SECRET, signature: false })).status).toBe(
      401,
    );

    // The hooks are mounted: an Okta delivery without its secret is refused, not "not found".
    const hook = await fetch(`${url}/hooks/okta`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(hook.status).not.toBe(404);
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('runs without the signing secret, screening Slack requests and leaving their verification to the worker', async () => {
    const { child, url, output } = await serve(
      environment({ SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.apiUrl }),
    );
    expect(output()).toContain('SLACK_SIGNING_SECRET is not set here, so requests are screened');
    const responseUrl = slack.responseUrl({ channel: 'C0RUNS' });
    const body = slashCommandBody({
      command: '/cordon',
      text: 'list',
      userId: 'U0ALICE',
      channelId: 'C0RUNS',
      responseUrl,
    });
    // Any signature of Slack's shape passes serve's screening; what it says is for the worker to check.
    expect((await sendSigned(`${url}/slack/events`, body, { signingSecret: 'anything' })).status).toBe(200);
    const reply = await slack.waitFor(() => slack.responsesTo(responseUrl)[0]);
    expect(reply.body.text).toContain('is not answered here');
    expect((await sendSigned(`${url}/slack/events`, body, { signingSecret: SECRET, signature: false })).status).toBe(
      401,
    );
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('serves the hooks and /healthz alone when Slack is not configured', async () => {
    const { child, url, output } = await serve(environment());
    expect(output()).toContain('Slack: not configured');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true, slack: false });
    expect((await fetch(`${url}/slack/events`, { method: 'POST', body: 'a=b' })).status).toBe(404);
    expect((await fetch(`${url}/hooks/okta`, { method: 'POST', body: '{}' })).status).not.toBe(404);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('says in one line when Slack refuses the bot token', async () => {
    const result = await cordon(
      ['serve', '--port', '0'],
      environment({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'cordon serve: Slack refused the bot token (auth.test: invalid_auth); check SLACK_BOT_TOKEN',
    );
    expect(result.stderr).not.toContain('xoxb-wrong');
  });
});
