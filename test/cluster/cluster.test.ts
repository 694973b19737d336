/**
 * cordon on a real Temporal cluster (issue 16): the server `scripts/cluster.sh up` runs on PostgreSQL, two of cordon's
 * workers on one task queue and `cordon serve`, all built (`dist/`) and configured only through their environment
 * (TEMPORAL_ADDRESS, …). An Okta event hook delivery starts okta-account-compromise through `cordon serve`, a
 * 200-account okta-phishing-campaign runs beside it, and one worker is SIGKILLed in the middle of the campaign's
 * suspensions. Every run must complete and the local Okta's change log must show each change exactly once.
 *
 * Not part of the normal suite (it needs the built server): `npm run test:cluster`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybook, loadPlaybookSource } from '../../dsl';
import { startRun } from '../../runs/start-run';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { addCampaignVictims } from '../support/campaign-victims';
import { statusQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/run-state';
import { OKTA_SECRET, LISTED_IP, oktaDelivery, oktaEvent } from '../fixtures/detections/receiver';
import { decide, writeTestDirectory } from '../support/people';
import { ROOT, startCordonProcess, type CordonProcess } from '../support/cordon-process';

const ADDRESS = `127.0.0.1:${process.env.CLUSTER_PORT ?? '17233'}`;
const NAMESPACE = process.env.CLUSTER_NAMESPACE ?? 'cordon';
const CAMPAIGN_ACCOUNTS = 200;
const TASK_QUEUE = `cluster-test-${Date.now()}`;
/** The writes each contained account gets, each exactly once. */
const ACCOUNT_WRITES = ['revokeUserSessions', 'revokeUserGrants', 'resetFactors', 'suspendUser'] as const;

let okta: OktaStandIn;
let client: Client;
let dir: string;
const processes: CordonProcess[] = [];

function log(line: string): void {
  console.log(`[cluster ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function connectToCluster(): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: ADDRESS, connectTimeout: 5_000 });
    await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
    return new Client({ connection, namespace: NAMESPACE });
  } catch (error) {
    throw new Error(
      `no Temporal cluster with namespace ${NAMESPACE} at ${ADDRESS} (${String(error)}): run scripts/cluster.sh up`,
    );
  }
}

/**
 * Ends the runs an earlier try left running: the cluster's database outlives a test, and a run's id is its subject's,
 * so a new campaign would join the old one, whose task queue no worker polls any more.
 */
async function endLeftovers(): Promise<void> {
  for await (const execution of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) {
    await client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .terminate('left running by an earlier cluster test')
      .catch(() => undefined);
    log(`ended ${execution.workflowId}, left running by an earlier try`);
  }
}

function workerEnv(): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: ADDRESS,
    TEMPORAL_NAMESPACE: NAMESPACE,
    CORDON_TASK_QUEUE: TASK_QUEUE,
    CORDON_DIRECTORY: path.join(dir, 'people.yaml'),
    CORDON_DATA_DIR: dir,
    CORDON_LOG_FORMAT: 'json',
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    // The campaign's session revocations have no approvers, so the governor's default (50 an hour) would hold the last
    // 150 for the hour; the suspensions keep their default and go past it by the separate approval the test gives.
    CORDON_LIMITS: 'okta.clear_sessions=1000/1h',
  };
}

async function startWorker(name: string): Promise<CordonProcess> {
  const { process: worker } = await startCordonProcess(
    name,
    ['dist/worker.js'],
    workerEnv(),
    /cordon worker: 127\.0\.0\.1/,
    120_000,
  );
  processes.push(worker);
  return worker;
}

beforeAll(async () => {
  client = await connectToCluster();
  await endLeftovers();
  dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-cluster-'));
  writeTestDirectory(path.join(dir, 'people.yaml'), {
    'secops-oncall': { members: ['responder'] },
    'secops-leads': { members: ['responder'] },
  });
  okta = await startOktaStandIn();
  // Every Okta request takes 20 ms more, so the campaign lasts long enough to lose a worker in the middle of it.
  okta.faults.inject('*', { kind: 'delay', ms: 20 }, Number.MAX_SAFE_INTEGER);
  okta.addZone({ name: 'BlockedIpZone', system: true, gateways: [] });
}, 60_000);

afterAll(async () => {
  // SIGKILL: a worker stopped gracefully waits for its running activities, which can outlast the hook's timeout.
  await Promise.all(processes.map((child) => child.kill()));
  await okta?.close();
  await client?.connection.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Approves every pending gate of a run as `responder` (signed), until the run ends. */
async function approveUntilDone(handle: WorkflowHandle, deadlineMs: number): Promise<RunState> {
  const deadline = Date.now() + deadlineMs;
  const approved = new Set<string>();
  for (;;) {
    // A query that meets the killed worker's sticky queue waits for the other worker: tolerate a slow answer.
    const state = await client
      .withDeadline(Date.now() + 15_000, () => handle.query(statusQuery))
      .catch(() => undefined);
    if (state?.endedAt) return state;
    for (const approval of state?.approvals.filter((candidate) => candidate.status === 'pending') ?? []) {
      if (approved.has(approval.stepId)) continue;
      await decide(client, handle.workflowId, {
        stepId: approval.stepId,
        decision: 'approve',
        approver: 'responder',
        inputsHash: approval.inputsHash,
      }).then(
        () => approved.add(approval.stepId),
        () => undefined,
      );
    }
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} did not end within ${deadlineMs} ms`);
    await sleep(250);
  }
}

/** Each account's writes at the local Okta, and the accounts with a write missing or made twice. */
function writesOf(userIds: string[]): { doubled: string[]; missing: string[] } {
  const doubled: string[] = [];
  const missing: string[] = [];
  for (const id of userIds) {
    for (const kind of ACCOUNT_WRITES) {
      const count = okta.changesOf(kind, id).length;
      if (count > 1) doubled.push(`${kind} ${id} (${count}×)`);
      if (count === 0) missing.push(`${kind} ${id}`);
    }
  }
  return { doubled, missing };
}

it('runs a detection through cordon serve and a 200-account campaign on two workers, one killed mid-run, each change once', async () => {
  const began = Date.now();
  const first = await startWorker('worker-1');
  const second = await startWorker('worker-2');
  const { process: serve, match } = await startCordonProcess(
    'serve',
    ['bin/cordon.js', 'serve', '--port', '0', '--host', '127.0.0.1'],
    {
      TEMPORAL_ADDRESS: ADDRESS,
      TEMPORAL_NAMESPACE: NAMESPACE,
      CORDON_TASK_QUEUE: TASK_QUEUE,
      CORDON_DATA_DIR: dir,
      OKTA_EVENT_HOOK_SECRET: OKTA_SECRET,
      CORDON_INDICATORS: JSON.stringify({ ips: [LISTED_IP] }),
    },
    /cordon serve on (http:\/\/\S+) /,
  );
  processes.push(serve);
  log(`two workers (pids ${first.pid}, ${second.pid}) and cordon serve up in ${Date.now() - began} ms`);

  // The phished account of the detection, and the campaign's 200, who signed in from the attacker's network.
  const phished = okta.addUser({
    login: 'phished@corp.example',
    sessions: 2,
    factors: ['sms', 'token:software:totp'],
    apps: ['0oaslack', '0oagithub'],
    groups: ['Engineering'],
  });
  const victims = addCampaignVictims(okta, CAMPAIGN_ACCOUNTS, (index) => `10.66.${index % 200}.${1 + (index % 7)}`);

  const delivered = await fetch(`${match[1]}/hooks/okta`, {
    method: 'POST',
    headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
    body: oktaDelivery([oktaEvent({ uuid: `evt-cluster-${Date.now()}`, login: 'phished@corp.example' })]),
  });
  expect(delivered.status).toBe(200);
  const detectionRun = client.workflow.getHandle('cordon/okta-account-compromise/phished@corp.example');

  const file = path.join(ROOT, 'playbooks', 'okta-phishing-campaign.yaml');
  const source = await readFile(file, 'utf8');
  const plan = compilePlaybook(loadPlaybookSource(source, file, builtinRegistry), source, builtinRegistry, file);
  const { handle: campaignRun } = await startRun(client, {
    plan,
    inputs: { attackerNetworks: ['10.66.0.0/16'] },
    requester: 'requester',
    trigger: { kind: 'api' },
    taskQueue: TASK_QUEUE,
  });

  // The kill: once a quarter of the campaign's accounts are suspended, the first worker is lost mid-step.
  const killed = (async () => {
    while (okta.changesOf('suspendUser').length < CAMPAIGN_ACCOUNTS / 4) await sleep(50);
    const before = okta.changesOf('suspendUser').length;
    await first.kill();
    log(`worker-1 killed with ${before} accounts suspended`);
    return before;
  })();

  const [detectionState, campaignState] = await Promise.all([
    approveUntilDone(detectionRun, 1_200_000),
    approveUntilDone(campaignRun, 1_200_000),
  ]);
  const suspendedAtKill = await killed;
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  log(
    `detection run ${detectionState.status}, campaign ${campaignState.status}, ${seconds} s after the workers started`,
  );

  expect((await detectionRun.describe()).status.name).toBe('COMPLETED');
  expect((await campaignRun.describe()).status.name).toBe('COMPLETED');
  expect(detectionState.status).toBe('succeeded');
  expect(campaignState.status).toBe('succeeded');
  // The kill landed mid-run: suspensions were still to come, and both workers had worked on them.
  expect(suspendedAtKill).toBeLessThan(CAMPAIGN_ACCOUNTS);
  expect(first.output()).toContain('suspendUser');
  expect(second.output()).toContain('suspendUser');

  const accounts = [phished.id, ...victims.map((victim) => victim.id)];
  const { doubled, missing } = writesOf(accounts);
  log(
    `local Okta: ${okta.changes.length} changes, ${okta.requests.length} requests; ` +
      `${accounts.length} accounts × ${ACCOUNT_WRITES.length} writes, ${doubled.length} doubled, ${missing.length} missing`,
  );
  expect(doubled).toEqual([]);
  expect(missing).toEqual([]);
  for (const id of accounts) {
    expect(okta.user(id)?.status).toBe('SUSPENDED');
    expect(okta.state.sessionsOf(id)).toEqual([]);
    expect(okta.state.factorsOf(id)).toEqual([]);
  }
}, 1_500_000);
