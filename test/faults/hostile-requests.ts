/**
 * Fault 3: hostile requests to `cordon serve` (the Okta event hook, a signed webhook source, and the Slack endpoint,
 * in a child process configured as a team would configure it), with cordon's worker running the task queue, so any
 * run a request started would act at the local Okta. Forged, stale, replayed, oversized, truncated and slow-loris
 * requests, drawn at random: none may start a run or change anything, each gets the status it should (or, cut off
 * mid-request, no answer), and `/healthz` still answers after each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ATTACKER_IP, oktaDelivery, oktaEvent } from '../support/okta-event-hook';
import { signedWebhookHeaders } from '../support/signed-webhook';
import { sendSigned, slashCommandBody, startSlackStandIn, type SlackStandIn } from '../../stand-ins/slack';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { addVictim } from './account-run';
import { openAccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OKTA_SECRET = 'hostile-okta-hook-secret-0123456789';
const SIEM_SECRET = 'hostile-siem-webhook-secret-0123456789';
const SLACK_SECRET = 'hostile-slack-signing-secret';
const MAX_BODY = 64 * 1024;

export const ENDPOINTS = ['okta', 'webhook', 'slack'] as const;
export const KINDS = ['forged', 'stale', 'replayed', 'oversized', 'truncated', 'slow-loris'] as const;
type Endpoint = (typeof ENDPOINTS)[number];
type Kind = (typeof KINDS)[number];

export interface HostileOptions {
  requests: number;
  random: SeededRandom;
  /** How long a slow-loris request trickles before the campaign gives up on it. @default 3000 */
  slowLorisMs?: number;
  log?: (line: string) => void;
}

interface Sample {
  endpoint: Endpoint;
  kind: Kind;
  /** The status answered, or `none` when the connection ended without one. */
  status: number | 'none';
  expected: ReadonlyArray<number | 'none'>;
  healthy: boolean;
}

/** How long a signed webhook or Slack request verifies (both five minutes), and an Okta event counts (15 minutes). */
const SIGNATURE_WINDOW_MS = 300_000;
const OKTA_EVENT_WINDOW_MS = 900_000;
/** Near a window's edge either answer is right: the clocks of sender and receiver read a moment apart. */
const EDGE_MS = 5_000;

/**
 * A captured genuine request sent again: within its window it is answered as the duplicate it is (200, no second run);
 * past it, refused as stale (401 for a signature, 422 for an Okta event), as any old request is. A full-scale campaign
 * outlasts the windows, so both happen.
 */
function expectedForReplay(endpoint: Endpoint, ageMs: number): ReadonlyArray<number | 'none'> {
  const [window, stale] = endpoint === 'okta' ? [OKTA_EVENT_WINDOW_MS, 422] : [SIGNATURE_WINDOW_MS, 401];
  if (ageMs < window - EDGE_MS) return [200];
  if (ageMs > window + EDGE_MS) return [stale];
  return [200, stale];
}

/** The status each hostile request should get. Cut-off requests get none: the client left before the body ended. */
const EXPECTED: Record<Endpoint, Record<Kind, ReadonlyArray<number | 'none'>>> = {
  okta: { forged: [401], stale: [422], replayed: [200], oversized: [413], truncated: ['none'], 'slow-loris': ['none'] },
  webhook: {
    forged: [401],
    stale: [401],
    replayed: [200],
    oversized: [413],
    truncated: ['none'],
    'slow-loris': ['none'],
  },
  slack: {
    forged: [401],
    stale: [401],
    replayed: [200],
    oversized: [413],
    truncated: ['none'],
    'slow-loris': ['none'],
  },
};

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function serve(env: NodeJS.ProcessEnv): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), 'serve', '--port', '0', '--host', '127.0.0.1'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cordon serve did not start within 120 s:\n${output}`)), 120_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /cordon serve on (http:\/\/[\d.:]+)/.exec(output)?.[1];
      if (url && output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cordon serve exited with ${code}:\n${output}`));
    });
  });
}

/** Sends raw bytes and reads the status line, if any comes before the socket ends (or `giveUpMs` passes). */
function rawRequest(url: string, head: string, chunks: readonly string[], gapMs: number, giveUpMs: number) {
  const { hostname, port } = new URL(url);
  return new Promise<number | 'none'>((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve(status ? Number(status) : 'none');
    };
    const timer = setTimeout(finish, giveUpMs);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (/^HTTP\/1\.1 \d{3}/.test(answer)) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('connect', () => {
      socket.write(head);
      void (async () => {
        for (const chunk of chunks) {
          if (done) return;
          socket.write(chunk);
          await sleep(gapMs);
        }
      })();
    });
  });
}

export async function hostileRequestsScenario(
  temporal: TemporalTarget,
  options: HostileOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const slowLorisMs = options.slowLorisMs ?? 3_000;
  const world = await openAccountWorld(temporal, 'hostile');
  let slack: SlackStandIn | undefined;
  let served: Served | undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-hostile-'));
  try {
    slack = await startSlackStandIn({ channels: [{ id: 'C0RUNS', name: 'sec-runs' }] });
    await writeFile(
      path.join(dir, 'okta-account-compromise.yaml'),
      await readFile(path.join(ROOT, 'playbooks', 'okta-account-compromise.yaml'), 'utf8'),
    );
    await world.startWorker();
    served = await serve({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      CORDON_TASK_QUEUE: world.taskQueue,
      CORDON_PLAYBOOKS_DIR: dir,
      CORDON_DATA_DIR: dir,
      OKTA_EVENT_HOOK_SECRET: OKTA_SECRET,
      CORDON_WEBHOOK_SECRETS: JSON.stringify({ siem: [SIEM_SECRET] }),
      CORDON_INDICATORS: JSON.stringify({ ips: [ATTACKER_IP], domains: [] }),
      CORDON_HOOK_MAX_BODY_BYTES: String(MAX_BODY),
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: slack.apiUrl,
    });
    const url = served.url;
    const health = async () => {
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
        return response.status === 200;
      } catch {
        return false;
      }
    };

    // One genuine request per endpoint first, whose bytes the replays repeat: they may start their one run (the
    // baseline), the replays none.
    const baselineLogin = 'baseline@corp.example';
    addVictim(world.okta, baselineLogin);
    // The baselines' signatures and the Okta event are dated now (see expectedForReplay).
    const baselinesAt = Date.now();
    const oktaBaseline = oktaDelivery([oktaEvent({ uuid: crypto.randomUUID(), login: baselineLogin })]);
    const oktaFirst = await fetch(`${url}/hooks/okta`, {
      method: 'POST',
      headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
      body: oktaBaseline,
    });
    const siemBaseline = JSON.stringify({ id: 'alert-baseline', type: 'impossible_travel', user: baselineLogin });
    const siemHeaders = signedWebhookHeaders(SIEM_SECRET, siemBaseline);
    const siemFirst = await fetch(`${url}/hooks/webhook/siem`, {
      method: 'POST',
      headers: siemHeaders,
      body: siemBaseline,
    });
    const responseUrl = slack.responseUrl({ channel: 'C0RUNS' });
    const slackBaseline = slashCommandBody({
      command: '/cordon',
      text: `run okta-account-compromise login=${baselineLogin}`,
      channelId: 'C0RUNS',
      userId: 'U0REQ',
      responseUrl,
    });
    const slackTimestamp = Math.floor(Date.now() / 1000);
    const slackFirst = await sendSigned(`${url}/slack/events`, slackBaseline, {
      signingSecret: SLACK_SECRET,
      timestamp: slackTimestamp,
    });
    log(`hostile: baseline answers okta ${oktaFirst.status}, webhook ${siemFirst.status}, slack ${slackFirst.status}`);
    await sleep(2_000);
    const baselineRuns = (await world.client.workflow.count(`TaskQueue = "${world.taskQueue}"`)).count;
    const changesBefore = world.okta.changes.length;

    // Every endpoint and kind equally often, in an order the seed shuffles.
    const pairs = ENDPOINTS.flatMap((endpoint) => KINDS.map((kind) => ({ endpoint, kind })));
    const order = Array.from({ length: options.requests }, (_, index) => ({
      pair: pairs[index % pairs.length] ?? { endpoint: 'okta' as const, kind: 'forged' as const },
      key: options.random.next(),
    })).sort((a, b) => a.key - b.key);
    const samples: Sample[] = [];
    for (const [index, { pair }] of order.entries()) {
      const { endpoint, kind } = pair;
      const login = `hostile-${index}@corp.example`;
      addVictim(world.okta, login);
      const sentAt = Date.now();
      const status = await send(url, endpoint, kind, login, {
        oktaBaseline,
        siemBaseline,
        siemHeaders,
        slackBaseline,
        slackTimestamp,
        responseUrl,
        slowLorisMs,
      });
      const healthy = await health();
      const expected =
        kind === 'replayed' ? expectedForReplay(endpoint, sentAt - baselinesAt) : EXPECTED[endpoint][kind];
      samples.push({ endpoint, kind, status, expected, healthy });
      if ((index + 1) % 25 === 0 || index + 1 === options.requests)
        log(`hostile ${index + 1}/${options.requests}: last ${endpoint} ${kind} → ${status}`);
    }
    // Anything started would be in visibility by now, and its first (reversible) step would have reached Okta.
    await sleep(3_000);
    const runsStarted = (await world.client.workflow.count(`TaskQueue = "${world.taskQueue}"`)).count - baselineRuns;
    const changes = world.okta.changes.slice(changesBefore).filter((change) => {
      const baseline = world.okta.user(baselineLogin);
      return !baseline || !change.target.startsWith(baseline.id);
    });
    return summarise(options, samples, { baselineRuns, runsStarted, changes: changes.length }, began);
  } finally {
    served?.child.kill('SIGKILL');
    await slack?.close();
    await world.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Baselines {
  oktaBaseline: string;
  siemBaseline: string;
  siemHeaders: Record<string, string>;
  slackBaseline: string;
  slackTimestamp: number;
  responseUrl: string;
  slowLorisMs: number;
}

function pathOf(endpoint: Endpoint): string {
  return endpoint === 'okta' ? '/hooks/okta' : endpoint === 'webhook' ? '/hooks/webhook/siem' : '/slack/events';
}

/** Headers of a genuine request of the endpoint for `body` (signed now, with the right secret). */
function genuineHeaders(endpoint: Endpoint, body: string): Record<string, string> {
  if (endpoint === 'okta') return { authorization: OKTA_SECRET, 'content-type': 'application/json' };
  if (endpoint === 'webhook') return { ...signedWebhookHeaders(SIEM_SECRET, body), 'content-type': 'application/json' };
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${hmac(SLACK_SECRET, `v0:${timestamp}:${body}`)}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** A body the endpoint would act on: a sign-in from the attacker's address, an alert, a run command. */
function actionableBody(endpoint: Endpoint, login: string, baselines: Baselines, padding = ''): string {
  if (endpoint === 'okta') {
    const event = oktaEvent({ uuid: crypto.randomUUID(), login });
    return oktaDelivery(padding ? [event, { padding }] : [event]);
  }
  if (endpoint === 'webhook')
    return JSON.stringify({ id: `alert-${login}`, type: 'impossible_travel', user: login, padding });
  return slashCommandBody({
    command: '/cordon',
    text: `run okta-account-compromise login=${login}${padding ? ` note=${padding}` : ''}`,
    channelId: 'C0RUNS',
    userId: 'U0REQ',
    responseUrl: baselines.responseUrl,
  });
}

async function send(
  url: string,
  endpoint: Endpoint,
  kind: Kind,
  login: string,
  baselines: Baselines,
): Promise<number | 'none'> {
  const target = `${url}${pathOf(endpoint)}`;
  const post = async (headers: Record<string, string>, body: string) => {
    try {
      const response = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 'none' as const;
    }
  };
  const body = actionableBody(endpoint, login, baselines);
  switch (kind) {
    case 'forged': {
      if (endpoint === 'okta')
        return post({ authorization: 'not-the-secret', 'content-type': 'application/json' }, body);
      if (endpoint === 'webhook') return post(signedWebhookHeaders('not-the-secret-of-siem', body), body);
      return (await sendSigned(target, body, { signingSecret: 'not-the-slack-secret' })).status;
    }
    case 'stale': {
      if (endpoint === 'okta') {
        // Authorised, but about a sign-in two days ago: 422 (events outside the window), never acted on.
        const stale = oktaDelivery([
          oktaEvent({ uuid: crypto.randomUUID(), login, published: new Date(Date.now() - 2 * 86_400_000) }),
        ]);
        return post(genuineHeaders('okta', stale), stale);
      }
      if (endpoint === 'webhook') return post(signedWebhookHeaders(SIEM_SECRET, body, Date.now() - 3_600_000), body);
      return (
        await sendSigned(target, body, {
          signingSecret: SLACK_SECRET,
          timestamp: Math.floor(Date.now() / 1000) - 3_600,
        })
      ).status;
    }
    case 'replayed': {
      if (endpoint === 'okta') return post(genuineHeaders('okta', baselines.oktaBaseline), baselines.oktaBaseline);
      if (endpoint === 'webhook') return post(baselines.siemHeaders, baselines.siemBaseline);
      return (
        await sendSigned(target, baselines.slackBaseline, {
          signingSecret: SLACK_SECRET,
          timestamp: baselines.slackTimestamp,
        })
      ).status;
    }
    case 'oversized': {
      // Past the hooks' limit and Slack's (1 MiB).
      const big = actionableBody(endpoint, login, baselines, 'x'.repeat(2 * 1024 * 1024));
      return post(genuineHeaders(endpoint, big), big);
    }
    case 'truncated': {
      const headers = genuineHeaders(endpoint, body);
      const head =
        `POST ${pathOf(endpoint)} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        '\r\n';
      // Half the body, then the connection closes.
      return rawRequest(url, head, [body.slice(0, Math.floor(body.length / 2))], 10, 1_000);
    }
    case 'slow-loris': {
      const headers = genuineHeaders(endpoint, body);
      const head =
        `POST ${pathOf(endpoint)} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        '\r\n';
      // One byte every 200 ms, never the whole body, until the campaign gives up on it.
      return rawRequest(url, head, [...body.slice(0, body.length - 1)], 200, baselines.slowLorisMs);
    }
  }
}

function summarise(
  options: HostileOptions,
  samples: Sample[],
  world: { baselineRuns: number; runsStarted: number; changes: number },
  began: number,
): ScenarioFigures {
  const failures: string[] = [];
  const wrong = samples.filter((sample) => !sample.expected.includes(sample.status));
  const grouped = new Map<string, number>();
  for (const sample of wrong) {
    const key = `${sample.endpoint} ${sample.kind}: got ${sample.status}, expected ${sample.expected.join(' or ')}`;
    grouped.set(key, (grouped.get(key) ?? 0) + 1);
  }
  for (const [key, count] of grouped) failures.push(`${count} × ${key}`);
  const unhealthy = samples.filter((sample) => !sample.healthy).length;
  if (unhealthy > 0) failures.push(`/healthz did not answer after ${unhealthy} request(s)`);
  if (world.runsStarted !== 0) failures.push(`${world.runsStarted} run(s) started by hostile requests`);
  if (world.changes !== 0) failures.push(`${world.changes} change(s) at the local Okta`);
  const byKind: Record<string, number> = {};
  for (const sample of samples)
    byKind[`${sample.endpoint} ${sample.kind}`] = (byKind[`${sample.endpoint} ${sample.kind}`] ?? 0) + 1;
  return {
    fault: 'forged, stale, replayed, oversized, truncated, slow-loris requests (Okta hook, webhook, Slack)',
    seed: options.random.seed,
    attempts: samples.length,
    outcome:
      `${world.runsStarted} runs started, ${world.changes} Okta changes; ${samples.length - wrong.length}/${samples.length} ` +
      `right status; health answered ${samples.length - unhealthy}/${samples.length}`,
    violations: world.runsStarted + world.changes,
    mustHold: '0 runs, 0 changes, the right status, health answers',
    held: failures.length === 0,
    durationMs: Date.now() - began,
    failures,
    details: { ...world, byKind, samples },
  };
}
