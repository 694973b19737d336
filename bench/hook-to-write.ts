/**
 * Benchmark B1 (issue 11): an Okta event hook delivery about a phished user → the first containment write about that
 * user at the local Okta, through the shipped `okta-account-compromise` playbook (its own trigger, unchanged), the
 * detection receiver (`detections/routes.ts`, as `cordon serve` runs it) and a cordon worker in this process. The
 * local Okta adds 50 ms to every request. Each delivery gives both figures side by side: when the hook answered 200
 * (the run started and the event attached) and when the first write (sessions or grants revoked) reached the local
 * Okta, both from the moment the delivery was sent.
 *
 * - cold: a fresh Temporal client, worker (the workflow bundle already built, as `npm install` leaves it), Okta client
 *   and receiver for each delivery, its first; the figure of a `cordon serve` that has just started.
 * - warm: deliveries at a fixed rate (10 a second for 60 s by default), sent on schedule whatever the answers, each
 *   about a different user; p50 and p99.
 *
 *   npm run bench -- hook [--rate 10] [--seconds 60] [--cold 5] [--latency-ms 50]
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { hooksConfigSchema } from '../config/hooks';
import type { Plan } from '../dsl/plan';
import { createHookRoutes } from '../detections/routes';
import { startHookServer, type HookServer } from '../detections/server';
import { startOktaStandIn, type OktaStandIn } from '../stand-ins/okta';
import { workflowBundle, type WorkflowBundle } from '../temporal/worker-factory';
import { ATTACKER_IP, oktaDelivery, oktaEvent } from '../test/support/okta-event-hook';
import { firstWriteAt, shippedPlan, startOktaWorker } from './bench-okta';
import { historyTimeline, printTimeline, type Timeline } from './history-timeline';
import { median, percentile, withTemporal, type TemporalTarget } from './bench-temporal';

const OKTA_SECRET = 'bench-okta-event-hook-secret-0123';
/** How long to wait for a delivery's first write before counting it as missing. */
const WRITE_WAIT_MS = 30_000;

export interface HookOptions {
  ratePerSecond: number;
  seconds: number;
  coldRounds: number;
  latencyMs: number;
  /** A running Temporal server (the tests'); a dev server is started otherwise. */
  temporal?: TemporalTarget;
  bundle?: WorkflowBundle;
}

export function parseHookArgs(argv: string[]): HookOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string' },
      seconds: { type: 'string' },
      cold: { type: 'string' },
      'latency-ms': { type: 'string' },
    },
  });
  return {
    ratePerSecond: Number(values.rate ?? 10),
    seconds: Number(values.seconds ?? 60),
    coldRounds: Number(values.cold ?? 5),
    latencyMs: Number(values['latency-ms'] ?? 50),
  };
}

export interface HookSample {
  phase: 'cold' | 'warm';
  /** The hook's answer, from sending. */
  answerMs: number;
  status: number;
  /** The first containment write at the local Okta, from sending; undefined when none came within 30 s. */
  firstWriteMs: number | undefined;
}

export interface HookPhaseSummary {
  deliveries: number;
  answered200: number;
  writes: number;
  answer: { p50: number; p99: number; max: number };
  firstWrite: { p50: number; p99: number; max: number };
  /** Median over deliveries of first write − answer: negative when the write came before the 200. */
  writeAfterAnswerMs: number;
}

export interface HookResult {
  ratePerSecond: number;
  seconds: number;
  latencyMs: number;
  cold: HookPhaseSummary;
  warm: HookPhaseSummary;
  /** The history of the warm run whose first write was the median one. */
  profile: Timeline | undefined;
  samples: HookSample[];
}

/** A receiver and a worker sharing one task queue: what `cordon serve` runs. */
interface Serve {
  url: string;
  client: Client;
  stop(): Promise<void>;
}

async function startServe(target: TemporalTarget, okta: OktaStandIn, bundle: WorkflowBundle, plan: Plan) {
  const taskQueue = `bench-hook-${process.pid}-${Date.now()}`;
  const worker = await startOktaWorker({
    target,
    okta,
    taskQueue,
    bundle,
    groups: { 'secops-oncall': ['responder'], 'secops-leads': ['lead'] },
  });
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: target.namespace });
  const config = hooksConfigSchema.parse({
    oktaSecret: OKTA_SECRET,
    indicators: { ips: [ATTACKER_IP] },
    stateDir: await mkdtemp(path.join(os.tmpdir(), 'cordon-bench-hooks-')),
  });
  const server: HookServer = await startHookServer(
    createHookRoutes({ client, taskQueue, plans: [plan], config, log: () => {} }),
  );
  const serve: Serve = {
    url: server.url,
    client,
    stop: async () => {
      await server.close();
      await worker.shutdown();
      await connection.close();
    },
  };
  return serve;
}

/** Sends one delivery about a fresh user; resolves with the answer, then (separately) the first write. */
async function deliver(
  serve: Serve,
  okta: OktaStandIn,
  login: string,
): Promise<{ sent: number; answered: number; status: number; userId: string; workflowId: string }> {
  const user = okta.addUser({ login, sessions: 2, factors: ['sms'], apps: ['0oaslack'], groups: ['Engineering'] });
  const body = oktaDelivery([oktaEvent({ uuid: crypto.randomUUID(), login })]);
  const sent = Date.now();
  const response = await fetch(`${serve.url}/hooks/okta`, {
    method: 'POST',
    headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return {
    sent,
    answered: Date.now(),
    status: response.status,
    userId: user.id,
    workflowId: `cordon/okta-account-compromise/${login}`,
  };
}

async function waitForWrite(okta: OktaStandIn, userId: string, deadline: number): Promise<number | undefined> {
  for (;;) {
    const at = firstWriteAt(okta, userId);
    if (at !== undefined || Date.now() > deadline) return at;
    await sleep(20);
  }
}

/** Ends the runs a phase left waiting at their approval gate, so nothing outlives the benchmark on a shared server. */
async function endRuns(client: Client, workflowIds: string[]): Promise<void> {
  for (let offset = 0; offset < workflowIds.length; offset += 50) {
    await Promise.all(
      workflowIds.slice(offset, offset + 50).map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('benchmark B1 over')
          .catch(() => undefined),
      ),
    );
  }
}

export async function hookToWriteBenchmark(options: HookOptions): Promise<HookResult> {
  const okta = await startOktaStandIn();
  const plan = await shippedPlan('okta-account-compromise');
  const bundle = options.bundle ?? (await workflowBundle());
  const tag = `${process.pid}-${Date.now()}`;
  try {
    return await withTemporal(options.temporal, async (target) => {
      okta.faults.inject('*', { kind: 'delay', ms: options.latencyMs }, Number.MAX_SAFE_INTEGER);
      const samples: HookSample[] = [];

      for (let round = 0; round < options.coldRounds; round += 1) {
        const serve = await startServe(target, okta, bundle, plan);
        try {
          const sent = await deliver(serve, okta, `b1-cold-${tag}-${round}@corp.example`);
          const at = await waitForWrite(okta, sent.userId, sent.sent + WRITE_WAIT_MS);
          samples.push({
            phase: 'cold',
            answerMs: sent.answered - sent.sent,
            status: sent.status,
            firstWriteMs: at === undefined ? undefined : at - sent.sent,
          });
          await endRuns(serve.client, [sent.workflowId]);
        } finally {
          await serve.stop();
        }
      }

      let profile: Timeline | undefined;
      const serve = await startServe(target, okta, bundle, plan);
      try {
        // Warm-up, not counted: the first run of a worker pays for loading what later runs find ready.
        const warmUp = await deliver(serve, okta, `b1-warmup-${tag}@corp.example`);
        await waitForWrite(okta, warmUp.userId, warmUp.sent + WRITE_WAIT_MS);
        const count = Math.max(1, Math.round(options.ratePerSecond * options.seconds));
        const intervalMs = 1000 / options.ratePerSecond;
        const begin = Date.now();
        // Open loop: each delivery leaves on its schedule, whether or not the earlier ones were answered.
        const sent = await Promise.all(
          Array.from({ length: count }, async (_, index) => {
            await sleep(Math.max(0, begin + index * intervalMs - Date.now()));
            return deliver(serve, okta, `b1-warm-${tag}-${index}@corp.example`);
          }),
        );
        const warm: Array<{ sample: HookSample; workflowId: string }> = [];
        for (const delivery of sent) {
          const at = await waitForWrite(okta, delivery.userId, delivery.sent + WRITE_WAIT_MS);
          const sample: HookSample = {
            phase: 'warm',
            answerMs: delivery.answered - delivery.sent,
            status: delivery.status,
            firstWriteMs: at === undefined ? undefined : at - delivery.sent,
          };
          samples.push(sample);
          warm.push({ sample, workflowId: delivery.workflowId });
        }
        const ranked = warm
          .filter(({ sample }) => sample.firstWriteMs !== undefined)
          .sort((a, b) => (a.sample.firstWriteMs ?? 0) - (b.sample.firstWriteMs ?? 0));
        const typical = ranked[Math.floor(ranked.length / 2)];
        if (typical) profile = await historyTimeline(serve.client.workflow.getHandle(typical.workflowId));
        await endRuns(serve.client, [warmUp.workflowId, ...sent.map((delivery) => delivery.workflowId)]);
      } finally {
        await serve.stop();
      }
      return {
        ratePerSecond: options.ratePerSecond,
        seconds: options.seconds,
        latencyMs: options.latencyMs,
        cold: summarise(samples.filter((sample) => sample.phase === 'cold')),
        warm: summarise(samples.filter((sample) => sample.phase === 'warm')),
        profile,
        samples,
      };
    });
  } finally {
    await okta.close();
  }
}

function summarise(samples: HookSample[]): HookPhaseSummary {
  const answers = samples.map((sample) => sample.answerMs);
  const writes = samples.flatMap((sample) => (sample.firstWriteMs === undefined ? [] : [sample.firstWriteMs]));
  const spread = (values: number[]) => ({
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length > 0 ? Math.max(...values) : 0,
  });
  return {
    deliveries: samples.length,
    answered200: samples.filter((sample) => sample.status === 200).length,
    writes: writes.length,
    answer: spread(answers),
    firstWrite: spread(writes),
    writeAfterAnswerMs: median(
      samples.flatMap((sample) => (sample.firstWriteMs === undefined ? [] : [sample.firstWriteMs - sample.answerMs])),
    ),
  };
}

export function printHookToWrite(result: HookResult): void {
  console.log(
    `\nB1: Okta event hook → first containment write, okta-account-compromise, local Okta +${result.latencyMs} ms a request`,
  );
  console.log(
    `${'phase'.padEnd(44)}${'deliveries'.padStart(11)}${'200s'.padStart(6)}${'writes'.padStart(8)}${'200 p50/p99'.padStart(16)}${'write p50/p99'.padStart(16)}${'write max'.padStart(11)}`,
  );
  const row = (label: string, phase: HookPhaseSummary) =>
    console.log(
      `${label.padEnd(44)}${String(phase.deliveries).padStart(11)}${String(phase.answered200).padStart(6)}${String(phase.writes).padStart(8)}${`${phase.answer.p50}/${phase.answer.p99} ms`.padStart(16)}${`${phase.firstWrite.p50}/${phase.firstWrite.p99} ms`.padStart(16)}${`${phase.firstWrite.max} ms`.padStart(11)}`,
    );
  row('cold (a fresh worker, its first delivery)', result.cold);
  row(`warm (${result.ratePerSecond}/s for ${result.seconds} s)`, result.warm);
  console.log(
    `first write − hook's 200, median: cold ${result.cold.writeAfterAnswerMs} ms, warm ${result.warm.writeAfterAnswerMs} ms`,
  );
  console.log('targets (warm): first write p50 < 150 ms, p99 < 500 ms; cold reported');
  if (result.profile) printTimeline('the warm run with the median first write, from its history:', result.profile);
}
