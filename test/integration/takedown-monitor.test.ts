/**
 * The takedown monitor on the real Temporal dev server, with short durations, its activities against the local DNS,
 * RDAP, SMTP, site and Netcraft stand-ins.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../activities/action';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaHandlers } from '../../activities/okta/handlers';
import type { TakedownEscalation } from '../../activities/takedown/escalation';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { takedownActions } from '../../activities/takedown/specs';
import { builtinRegistry } from '../../activities/registry';
import { EXAMPLE_REGISTRAR } from '../../stand-ins/rdap/oktapus';
import type { takedownMonitor, TakedownMonitorInput, TakedownMonitorSummary } from '../../workflows/takedown-monitor';
import { takedownMonitorStatusQuery } from '../../workflows/takedown-monitor-messages';
import { startHarness, type Harness } from '../support/harness';
import { monitorUnderTest, startMonitorThroughRun } from '../support/monitor-under-test';
import { startTakedownWorld, type TakedownWorld } from './takedown-world';

let world: TakedownWorld;
let harness: Harness;
const escalations: TakedownEscalation[] = [];

beforeAll(async () => {
  world = await startTakedownWorld();
  const handlers = createTakedownHandlers({
    config: world.config,
    notifier: { notify: async (escalation) => (escalations.push(escalation), 'test:#secops') },
  });
  harness = await startHarness({
    // Okta's handlers (not configured) only while the harness's built-in handlers do not include them yet.
    handlers: { ...asHandlerMap(createOktaHandlers(undefined)), ...asHandlerMap(handlers) },
    // Until the takedown actions are built in, the harness needs their specs too.
    specs: [...takedownActions.filter((spec) => !builtinRegistry.has(spec.name)), monitorUnderTest],
  });
});
afterAll(async () => {
  await harness?.shutdown();
  await world?.close();
});

const context: ActionContext = {
  heartbeat: () => {},
  signal: new AbortController().signal,
  workflowId: 'monitor-test',
  activityId: 'takedown',
  attempt: 1,
  log: { info: () => {}, warn: () => {} },
};

/** Reports a fresh phishing domain by e-mail, as the playbook's `takedown.request` step would. */
async function reported(domain: string): Promise<Pick<TakedownMonitorInput, 'domain' | 'reportedAt' | 'reportedTo'>> {
  world.addPhishingDomain(domain);
  const request = createTakedownHandlers({ config: world.config })['takedown.request'];
  const output = await request({ domain, providers: ['email'] }, context);
  return { domain, reportedAt: output.reportedAt, reportedTo: output.reportedTo };
}

/** Starts a monitor as a run's step would, and returns its handle once the run has started it. */
async function start(input: TakedownMonitorInput): Promise<WorkflowHandle<typeof takedownMonitor>> {
  const started = await startMonitorThroughRun(harness, input);
  if (started.runId) firstRuns.set(started.handle.workflowId, started.runId);
  return started.handle;
}

/** The first run of each monitor started here, by workflow id. */
const firstRuns = new Map<string, string>();

async function waitForStatus(
  handle: WorkflowHandle,
  predicate: (summary: TakedownMonitorSummary) => boolean,
  timeoutMs = 30_000,
): Promise<TakedownMonitorSummary> {
  const deadline = Date.now() + timeoutMs;
  let last: TakedownMonitorSummary | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(takedownMonitorStatusQuery).catch(() => last);
    if (last && predicate(last)) return last;
    await sleep(200);
  }
  throw new Error(`timed out waiting for the monitor; last status: ${JSON.stringify(last, null, 2)}`);
}

const quiet = { checkInterval: 1_000, renotifyAfter: 0, escalateAfter: 0, maxDuration: 120_000 };

describe('takedownMonitor', () => {
  it('marks the domain down after N failed checks once the DNS stand-in flips to NXDOMAIN', async () => {
    const handle = await start({ ...(await reported('okta-monitor-down.com')), ...quiet, downAfterChecks: 2 });
    await waitForStatus(handle, (status) => status.checks >= 2 && status.lastCheck?.up === true);
    const flippedAt = new Date().toISOString();
    world.dns.setMode('okta-monitor-down.com', 'nxdomain');

    const summary = await handle.result();
    expect(summary).toMatchObject({
      domain: 'okta-monitor-down.com',
      outcome: 'down',
      reportedTo: [
        { provider: 'email', to: EXAMPLE_REGISTRAR.abuseEmail },
        { provider: 'email', to: 'abuse@hosting.example' },
      ],
      lastCheck: {
        up: false,
        conclusive: true,
        description: 'DNS nxdomain, no HTTP answer (the domain has no address)',
      },
    });
    expect(summary.downAt! >= flippedAt).toBe(true);
    expect(Date.parse(summary.confirmedDownAt!)).toBeGreaterThan(Date.parse(summary.downAt!));
  });

  it('re-notifies and escalates on schedule while the site stays up', async () => {
    const domain = 'okta-monitor-slow.com';
    const handle = await start({
      ...(await reported(domain)),
      ...quiet,
      downAfterChecks: 2,
      renotifyAfter: 2_000,
      escalateAfter: 3_000,
    });
    await waitForStatus(handle, (status) => status.reminders.length >= 1 && status.escalations.length >= 1);
    world.dns.setMode(domain, 'servfail');
    const summary = await handle.result();

    expect(summary.outcome).toBe('down');
    expect(summary.reminders[0]).toMatchObject({
      number: 1,
      sentTo: [EXAMPLE_REGISTRAR.abuseEmail, 'abuse@hosting.example'],
    });
    const netcraft = `netcraft:${new URL(world.netcraft.url).host}`;
    expect(summary.escalations[0]).toMatchObject({ level: 1, addedTo: [netcraft], notifiedVia: 'test:#secops' });
    expect(summary.reportedTo.map((target) => `${target.provider}:${target.to}`)).toContain(netcraft);
    const reminders = world.smtp
      .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
      .filter((mail) => mail.subject.startsWith('Reminder'));
    expect(reminders.map((mail) => mail.subject)).toContain(`Reminder 1: phishing domain ${domain} is still up`);
    expect(world.netcraft.reports.some((report) => report.fields.attack?.includes(domain))).toBe(true);
    expect(
      escalations.some((escalation) => escalation.domain === domain && escalation.reason.includes('still up')),
    ).toBe(true);
  });

  it('sends no "still up" reminder or escalation while checks fail, and reminds once the site is back up', async () => {
    const domain = 'okta-monitor-failing.com';
    const report = await reported(domain);
    world.dns.setMode(domain, 'nxdomain');
    const handle = await start({
      ...report,
      ...quiet,
      downAfterChecks: 1_000,
      renotifyAfter: 1_000,
      escalateAfter: 1_000,
    });
    const failing = await waitForStatus(handle, (status) => status.checks >= 4);
    expect(failing.reminders).toEqual([]);
    expect(failing.escalations).toEqual([]);
    expect(
      world.smtp
        .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
        .filter((mail) => mail.subject.startsWith(`Reminder 1: phishing domain ${domain}`)),
    ).toEqual([]);

    world.dns.setMode(domain, 'answer');
    const up = await waitForStatus(handle, (status) => status.reminders.length >= 1);
    expect(up.lastCheck?.up).toBe(true);
    await handle.cancel();
    await handle.result();
  });

  it('stops when cancelled and ends with a summary of what it did', async () => {
    const handle = await start({
      ...(await reported('okta-monitor-cancel.com')),
      ...quiet,
      checkInterval: 60_000,
      downAfterChecks: 3,
    });
    await waitForStatus(handle, (status) => status.checks >= 1);
    await handle.cancel();
    const summary = await handle.result();
    expect(summary).toMatchObject({
      domain: 'okta-monitor-cancel.com',
      outcome: 'cancelled',
      checks: 1,
      lastCheck: { up: true },
    });
    expect(summary.endedAt).toBeDefined();
    expect(summary.downAt).toBeUndefined();
  });

  it('continues as new every N checks, carrying its state', async () => {
    const domain = 'okta-monitor-long.com';
    const handle = await start({ ...(await reported(domain)), ...quiet, downAfterChecks: 2, checksPerRun: 2 });
    await waitForStatus(handle, (status) => status.continuedAsNew >= 2);
    world.dns.setMode(domain, 'nxdomain');
    const summary = await handle.result();
    expect(summary.outcome).toBe('down');
    expect(summary.continuedAsNew).toBeGreaterThanOrEqual(2);
    expect(summary.checks).toBeGreaterThanOrEqual(6);
    const firstRun = harness.client.workflow.getHandle(handle.workflowId, firstRuns.get(handle.workflowId));
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
  });

  it('refuses bad input at once, naming what is wrong', async () => {
    const handle = await start({
      ...(await reported('okta-monitor-bad.com')),
      ...quiet,
      downAfterChecks: 0,
      checkInterval: 'often',
    });
    const error = await handle.result().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(cause?.message).toContain('downAfterChecks must be a whole number of at least 1');
    expect(cause?.message).toContain('checkInterval must be milliseconds or a duration');
  });
});
