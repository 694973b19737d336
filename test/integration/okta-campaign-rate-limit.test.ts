/**
 * The phishing-campaign playbook under Okta's rate limit (issue 19): the shipped playbook, the real SDK, the local
 * Okta enforcing a budget per operation with real `X-Rate-Limit-*` headers and 429s, 50 ms added to every request.
 *
 * The case is 200 accounts at 600 requests a minute per operation (see `npm run bench -- campaign`); here a
 * budget of 6 per 10 s window makes 12 accounts (one request of each operation per account since issue 11) need two
 * windows of every operation, which is the same condition in a test's time: waits of up to 10 s for the reset.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaConfigSchema } from '../../config/okta';
import { addCampaignVictims } from '../support/campaign-victims';
import { approveWhenAsked } from '../support/people';
import { startOktaStandIn, type OktaStandIn, type UserRecord } from '../../stand-ins/okta';
import type { RunState, StepState } from '../../workflows/run-state';
import { startHarness, type Harness } from '../support/harness';
import { rateLimitWaits } from '../../runs/rate-limit-waits';
import { retryRun, RetryRefusedError } from '../../runs/retry-run';
import { pendingApproval, settle } from '../support/wait';

const playbookFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'playbooks',
  'okta-phishing-campaign.yaml',
);

let okta: OktaStandIn;
let harness: Harness;

beforeEach(async () => {
  okta = await startOktaStandIn();
  // Okta's latency, for every request of the test.
  okta.faults.inject('*', { kind: 'delay', ms: 50 }, 1_000_000);
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
  );
  harness = await startHarness({
    handlers: asHandlerMap(createOktaHandlers(client)),
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
});

afterEach(async () => {
  await harness?.shutdown();
  await okta?.close();
});

/** Victims who signed in from the attacker's network, each with a session, an SMS factor and an app's tokens. */
function seedVictims(count: number, deprovisioned: readonly number[] = []): UserRecord[] {
  okta.addZone({ name: 'BlockedIpZone', system: true, gateways: [] });
  return addCampaignVictims(okta, count, (index) => `203.0.113.${10 + index}`, {
    domain: 'example.com',
    deprovisioned,
  });
}

/** Approves both gates of a campaign run as soon as they ask, and waits for its end. */
async function approveAndSettle(handle: WorkflowHandle): Promise<RunState> {
  await approveWhenAsked(harness.client, handle, 'suspend');
  await approveWhenAsked(harness.client, handle, 'block');
  return settle(handle);
}

let lastWorkflowId = '';

/** Starts the campaign and approves both gates as soon as they ask. */
async function runCampaign(): Promise<RunState> {
  const plan = harness.plan(await readFile(playbookFile, 'utf8'), playbookFile);
  const { handle, workflowId } = await harness.start(plan, { attackerNetworks: ['203.0.113.0/24'] });
  lastWorkflowId = workflowId;
  return approveAndSettle(handle);
}

function step(state: RunState, id: string): StepState {
  const found = state.steps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

const changeOutput = z.object({ changed: z.boolean().nullable(), userId: z.string() });

/** The users a step's items record as changed: what the run says it did to Okta. */
function recordedChanges(state: RunState, id: string): string[] {
  return (step(state, id).items ?? []).flatMap((item) => {
    const output = changeOutput.safeParse(item.output);
    return item.status === 'succeeded' && output.success && output.data.changed === true ? [output.data.userId] : [];
  });
}

function changeLog(kind: string): string[] {
  return okta.changesOf(kind).map((change) => change.target);
}

describe('the phishing campaign under a rate limit of 6 requests per 10 s per operation', () => {
  it('contains every account, changes each once, and records exactly what Okta changed', async () => {
    const victims = seedVictims(12);
    // Below one request of each operation per account: with 12 accounts, every operation outruns its budget.
    okta.rateLimits.set('*', { limit: 6, windowMs: 10_000 });

    const state = await runCampaign();

    const statuses = Object.fromEntries(state.steps.map((candidate) => [candidate.id, candidate.status]));
    expect(statuses, JSON.stringify(state.steps.map((s) => [s.id, s.error]))).toEqual({
      search: 'succeeded',
      snapshot: 'succeeded',
      sessions: 'succeeded',
      grants: 'succeeded',
      suspend: 'succeeded',
      factors: 'succeeded',
      block: 'succeeded',
    });
    for (const victim of victims) {
      expect(okta.user(victim.id)?.status).toBe('SUSPENDED');
      expect(okta.state.sessionsOf(victim.id)).toHaveLength(0);
      expect(okta.state.factorsOf(victim.id)).toHaveLength(0);
      expect(okta.state.grantsOf(victim.id)).toHaveLength(0);
      expect(okta.state.refreshTokensOf(victim.id)).toHaveLength(0);
    }
    const ids = victims.map((victim) => victim.id).sort();
    for (const kind of ['suspendUser', 'resetFactors', 'revokeUserSessions']) {
      expect(changeLog(kind).sort(), kind).toEqual(ids);
    }
    // The run's record equals Okta's change log.
    expect(recordedChanges(state, 'suspend').sort()).toEqual(changeLog('suspendUser').sort());
    expect(recordedChanges(state, 'factors').sort()).toEqual(changeLog('resetFactors').sort());
    // The budget was really met: more suspensions went through than one window allows.
    expect(okta.requestsOf('suspendUser').filter((request) => request.status === 200).length).toBeGreaterThan(6);
  }, 240_000);
});

describe('one account whose suspension Okta refuses', () => {
  it('does not hold up the others: every other account is suspended and its factors reset, and the run names it', async () => {
    // A deprovisioned account cannot be suspended: Okta answers 400 E0000001.
    const victims = seedVictims(6, [2]);
    const refused = victims[2];
    if (!refused) throw new Error('no victim');

    const state = await runCampaign();

    for (const victim of victims.filter((candidate) => candidate !== refused)) {
      expect(okta.user(victim.id)?.status).toBe('SUSPENDED');
      expect(okta.state.factorsOf(victim.id), victim.profile.login).toHaveLength(0);
    }
    expect(changeLog('resetFactors').sort()).toEqual(
      victims
        .filter((candidate) => candidate !== refused)
        .map((victim) => victim.id)
        .sort(),
    );
    expect(okta.state.factorsOf(refused.id)).toHaveLength(1);
    expect(state.status).toBe('failed');
    const suspend = step(state, 'suspend');
    expect(suspend.status).toBe('failed');
    expect(suspend.error?.message).toContain(refused.id);
    const factors = step(state, 'factors');
    expect(factors.items?.filter((item) => item.status === 'succeeded')).toHaveLength(5);
    // Its MFA reset does not wait for its suspension (it needs only its snapshot): Okta refuses that too for a
    // deprovisioned account, and the item says so.
    expect(factors.items?.[2]).toMatchObject({ status: 'failed', item: refused.id });
    expect(factors.items?.[2]?.error?.message).toMatch(
      /resetFactors .*Cannot reset the factors of a user in this status/,
    );
    expect(factors.error?.message).toContain(refused.id);

    // An administrator makes the account suspendable again; `cordon retry` continues the run for it alone.
    const record = okta.state.users.get(refused.id);
    if (!record) throw new Error('no record');
    record.status = 'ACTIVE';
    const retry = await retryRun(harness.client, lastWorkflowId, {
      requester: 'analyst',
      trigger: { kind: 'cli', source: 'analyst' },
      taskQueue: harness.taskQueue,
    });
    expect(retry.items).toEqual([refused.id]);
    expect(retry.workflowId).toMatch(new RegExp(`^${lastWorkflowId}/retry-`));
    // Its destructive steps wait for their approval, and its inputs are the one account.
    const approval = await pendingApproval(retry.handle, 'suspend');
    expect(approval.input).toEqual({
      suspend: [{ userId: refused.id }],
      factors: [{ userId: refused.id, listFirst: false }],
    });
    const retried = await approveAndSettle(retry.handle);
    expect(retried.status).toBe('succeeded');
    expect(retried.requester).toBe('analyst');
    expect((await retry.handle.describe()).memo).toMatchObject({ retryOf: lastWorkflowId });
    expect(okta.user(refused.id)?.status).toBe('SUSPENDED');
    expect(okta.state.factorsOf(refused.id)).toHaveLength(0);
    // Every account changed once over both runs.
    expect(changeLog('suspendUser').sort()).toEqual(victims.map((victim) => victim.id).sort());
    expect(changeLog('resetFactors').sort()).toEqual(victims.map((victim) => victim.id).sort());
  });
});

describe('while a step waits for the reset', () => {
  it("the run's status says so: waiting for Okta's rate limit (resets in N s)", async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.clear();
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 12_000 });
    const plan = harness.plan(`
id: one-suspension
title: Suspend one account
inputs: { userId: { type: string } }
steps:
  - id: suspend
    action: okta.suspend_user
    with: { userId: "\${{ inputs.userId }}" }
    unattended: { reason: "test: a rate-limit wait shows in the status" }
`);
    const { handle } = await harness.start(plan, { userId: alice.id });
    await expect
      .poll(() => rateLimitWaits(handle), { timeout: 10_000, interval: 250 })
      .toEqual([
        {
          activityId: 'suspend',
          bucket: 'POST /api/v1/users/{}/lifecycle/suspend',
          resetsAt: expect.any(String),
          message: expect.stringMatching(/^waiting for Okta's rate limit \(resets in \d+ s\)$/),
        },
      ]);
    const state = await settle(handle);
    expect(state.status).toBe('succeeded');
    expect(okta.requestsOf('suspendUser').map((request) => request.status)).toEqual([429, 200]);
    // A run with no forEach item left undone has nothing to retry.
    await expect(
      retryRun(harness.client, handle.workflowId, {
        requester: 'analyst',
        trigger: { kind: 'cli' },
        taskQueue: harness.taskQueue,
      }),
    ).rejects.toThrow(RetryRefusedError);
  }, 60_000);
});
