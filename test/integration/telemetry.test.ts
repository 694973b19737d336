/**
 * What an operator watches: the worker's Prometheus endpoint (Temporal's runtime metrics and cordon's) and its JSON
 * log lines, scraped and read while the account-compromise playbook runs against the local Okta.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { OktaRateLimiter } from '../../activities/okta/rate-limiter';
import { oktaConfigSchema } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { installRuntime } from '../../temporal/logger';
import { startHarness, type Harness } from '../support/harness';
import { approveWhenAsked } from '../support/people';
const lines: string[] = [];
let metricsUrl: string;
let okta: OktaStandIn;
let harness: Harness;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // Before the harness: the runtime is installed once per process, and this one serves metrics.
  installRuntime({ logLevel: 'INFO', logFormat: 'json', metricsAddress: `127.0.0.1:${port}` }, (line) =>
    lines.push(line),
  );
  okta = await startOktaStandIn();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
    new OktaRateLimiter(),
    Runtime.instance().metricMeter,
  );
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
});

afterAll(async () => {
  await harness?.shutdown();
  await okta?.close();
});

/** `name{labels} value` lines of one metric, as Prometheus would parse them. */
async function scrape(): Promise<string[]> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  return (await response.text()).split('\n').filter((line) => line && !line.startsWith('#'));
}

function value(samples: string[], name: string, labels: Record<string, string>): number {
  const found = samples.filter(
    (line) =>
      line.startsWith(`${name}{`) &&
      Object.entries(labels).every(([key, expected]) => line.includes(`${key}="${expected}"`)),
  );
  return found.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('the worker as an operator sees it', () => {
  it('serves Temporal metrics and cordon metrics for a detection-started containment', async () => {
    okta.addUser({ login: 'mallory.victim@example.com', sessions: 2, factors: ['sms'] });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 500 });
    const file = path.resolve('playbooks/okta-account-compromise.yaml');
    const plan = harness.plan(await readFile(file, 'utf8'), file);
    const detectedAt = new Date(Date.now() - 5_000).toISOString();
    const { handle } = await harness.start(
      plan,
      { login: 'mallory.victim@example.com' },
      {
        requester: 'detection:okta',
        trigger: { kind: 'detection', source: 'okta', reference: 'evt-telemetry-1', detectedAt },
      },
    );
    await approveWhenAsked(harness.client, handle, 'factors');
    await handle.result();

    await eventually(async () => {
      const samples = await scrape();
      // Temporal's own runtime metrics, on the same endpoint.
      expect(samples.some((line) => line.startsWith('temporal_workflow_completed_total'))).toBe(true);
      expect(value(samples, 'cordon_runs_started_total', { playbook: plan.id, trigger: 'detection' })).toBe(1);
      expect(
        value(samples, 'cordon_steps_total', { playbook: plan.id, action: 'okta.suspend_user', outcome: 'succeeded' }),
      ).toBe(1);
      expect(value(samples, 'cordon_steps_total', { action: 'okta.reset_password', outcome: 'skipped' })).toBe(1);
      expect(value(samples, 'cordon_actions_total', { action: 'okta.snapshot', outcome: 'succeeded' })).toBe(1);
      expect(value(samples, 'cordon_approval_wait_count', { playbook: plan.id, outcome: 'approved' })).toBe(1);
      const containment = value(samples, 'cordon_detection_to_containment_sum', { playbook: plan.id });
      // Counted from the detection's own time, five seconds before the start.
      expect(containment).toBeGreaterThanOrEqual(5);
      expect(containment).toBeLessThan(60);
      expect(value(samples, 'cordon_detection_to_containment_count', { playbook: plan.id })).toBe(1);
      const suspend = 'POST /api/v1/users/{}/lifecycle/suspend';
      expect(value(samples, 'cordon_okta_requests_total', { endpoint: suspend, status: '429' })).toBe(1);
      expect(value(samples, 'cordon_okta_requests_total', { endpoint: suspend, status: '200' })).toBe(1);
      expect(value(samples, 'cordon_okta_rate_limited_total', { endpoint: suspend })).toBe(1);
    });
  });

  it('logs one JSON line per event, naming the run, the step and the action', async () => {
    // The runtime forwards log lines in batches: the last activity's line may arrive a moment after the run closed.
    const suspendedLine = () =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => String(entry.message).startsWith('Okta suspendUser'));
    await eventually(async () => expect(suspendedLine()).toBeDefined());
    const suspended = suspendedLine();
    expect(suspended).toMatchObject({
      level: 'INFO',
      workflowId: expect.stringContaining('okta-account-compromise'),
      runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      step: 'suspend',
      action: 'okta.suspend_user',
    });
    expect(Date.parse(String(suspended?.time))).not.toBeNaN();
    // SDK internals stay out of the lines.
    expect(lines.join('\n')).not.toContain('taskToken');
  });
});
