/**
 * Benchmark B4 (issue 11): many runs waiting at an approval gate at once. N runs of the shipped
 * `okta-account-compromise` playbook against the local Okta (50 ms a request), each about its own phished user: each
 * revokes sessions and grants, then waits at the `factors` gate. Then a simulated responder approves every one (a
 * signed decision, verified by the worker) and each run resets the factors and suspends the account.
 *
 * The worker runs in a process of its own (`worker-process.ts`), so its resident memory is measured apart from the
 * benchmark's client and local Okta. Measured: starts per second (client-side `startRun`, a few in flight at once, as
 * a detection burst would), the time until every run waits at its gate, the worker's RSS sampled throughout,
 * approvals per second, and whether every run completed with its account contained.
 *
 * The worker's workflow cache is bounded (`--cache`, the worker's default unless given), so runs waiting beyond it are
 * evicted and replayed when their approval comes: the memory stays flat however many runs wait.
 *
 *   npm run bench -- gate [--runs 1000] [--in-flight 20] [--latency-ms 50] [--cache 100] [--worker-node-flags="…"]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { SIMULATED_RESPONDER, simulatedResponder } from '../runs/simulated-responder';
import { DecisionRefusedError } from '../runs/decide';
import { startRun } from '../runs/start-run';
import { startOktaStandIn } from '../stand-ins/okta';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../temporal/workflow-cache';
import { shippedPlan } from './bench-okta';
import { historyTimeline, printTimeline, type Timeline } from './history-timeline';
import { withTemporal, type TemporalTarget } from './bench-temporal';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessMessage } from './worker-process';

/** How long every phase may take before the benchmark gives up, saying where it stood. */
const PHASE_LIMIT_MS = 10 * 60_000;

export interface GateOptions {
  runs: number;
  inFlight: number;
  latencyMs: number;
  /** Runs the worker keeps in memory. @default the worker's default (DEFAULT_MAX_CACHED_WORKFLOWS) */
  maxCachedWorkflows?: number;
  /** A running Temporal server (the tests'); a dev server is started otherwise. */
  temporal?: TemporalTarget;
  /** A prebuilt workflow bundle file for the worker (the tests'); the worker's own otherwise. */
  bundlePath?: string;
  /** Node flags for the worker's process (`--worker-node-flags="--max-old-space-size=256"`). */
  workerNodeFlags?: string[];
}

export function parseGateArgs(argv: string[]): GateOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      'in-flight': { type: 'string' },
      'latency-ms': { type: 'string' },
      cache: { type: 'string' },
      'worker-node-flags': { type: 'string' },
    },
  });
  return {
    runs: Number(values.runs ?? 1000),
    inFlight: Number(values['in-flight'] ?? 20),
    latencyMs: Number(values['latency-ms'] ?? 50),
    ...(values.cache === undefined ? {} : { maxCachedWorkflows: Number(values.cache) }),
    ...(values['worker-node-flags'] ? { workerNodeFlags: values['worker-node-flags'].split(/\s+/) } : {}),
  };
}

export interface GateResult {
  runs: number;
  inFlight: number;
  latencyMs: number;
  maxCachedWorkflows: number;
  /** Runs the worker held in memory when every run waited (at most `maxCachedWorkflows`). */
  cachedWhenAllWaiting: number;
  startSeconds: number;
  startsPerSecond: number;
  /** From the first start until every run waited at its gate. */
  allWaitingSeconds: number;
  approveSeconds: number;
  approvalsPerSecond: number;
  /** Approvals sent again because the server refused them while the run's workflow task was failing (timed out). */
  retriedApprovals: number;
  /** From the first approval until every run closed. */
  allCompletedSeconds: number;
  succeeded: number;
  /** Accounts suspended with no sessions, grants or factors left at the local Okta. */
  contained: number;
  /** The worker process's resident memory: once it polls, with every run waiting, and the highest sampled. */
  workerRssMb: { ready: number; allWaiting: number; peak: number };
  /** This process's (client and local Okta), for comparison. */
  benchmarkRssMb: number;
  /** The history of the run that was last to reach its gate. */
  slowestToGate: Timeline | undefined;
}

/**
 * Runs `task` over `items`, at most `limit` at once. After a failure no new item starts, and the first failure is
 * thrown once the tasks under way have settled (closing the client under them would only hide it).
 */
async function inBatches<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && !failure) {
        const item = items[next];
        next += 1;
        if (item === undefined) continue;
        try {
          await task(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
}

/** Waits until `done()`, saying where it stands every 10 s; a worker that has died ends the wait at once. */
async function until(what: string, done: () => boolean, describe: () => string, worker: WorkerProcess): Promise<void> {
  const deadline = Date.now() + PHASE_LIMIT_MS;
  let reported = Date.now();
  while (!done()) {
    const failure = worker.failure();
    if (failure) throw new Error(`B4: the worker died while waiting until ${what}`, { cause: failure });
    if (Date.now() > deadline) throw new Error(`B4: gave up waiting until ${what} (${describe()})`);
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      console.error(`B4: waiting until ${what}: ${describe()}`);
    }
    await sleep(100);
  }
}

const megabytes = (bytes: number) => Math.round(bytes / (1024 * 1024));

const APPROVAL_ATTEMPTS = 10;

/** The server's refusal of an update while the run's workflow task is failing (FAILED_PRECONDITION). */
function isWorkflowTaskFailing(error: unknown): boolean {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (/Workflow Task in failed state/.test(cause.message)) return true;
  }
  return false;
}

export async function gateWaitBenchmark(options: GateOptions): Promise<GateResult> {
  const okta = await startOktaStandIn();
  const plan = await shippedPlan('okta-account-compromise');
  const tag = `${process.pid}-${Date.now()}`;
  const maxCachedWorkflows = options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS;
  try {
    return await withTemporal(options.temporal, async (target) => {
      const victims = Array.from({ length: options.runs }, (_, index) =>
        okta.addUser({
          login: `b4-${tag}-${index}@corp.example`,
          sessions: 1,
          factors: ['sms'],
          apps: ['0oaslack'],
        }),
      );
      okta.faults.inject('*', { kind: 'delay', ms: options.latencyMs }, Number.MAX_SAFE_INTEGER);
      const waiting = new Map<string, Extract<WorkerProcessMessage, { kind: 'approval_requested' }>['approval']>();
      let lastToGate = '';
      const finished = new Map<string, string>();
      // The worker's latest report of its cache and main-thread heap.
      let status: Extract<WorkerProcessMessage, { kind: 'cached' }> | undefined;
      const heapText = () =>
        status
          ? ` (main-thread heap ${megabytes(status.heapUsed)} of ${megabytes(status.heapTotal)} MB, external ${megabytes(status.external)} MB)`
          : '';
      // The worker's notifier is where it tells people a run waits; here it tells the benchmark.
      const heard = (message: WorkerProcessMessage) => {
        if (message.kind === 'approval_requested') {
          waiting.set(message.workflowId, message.approval);
          lastToGate = message.workflowId;
        }
        if (message.kind === 'run_finished') finished.set(message.workflowId, message.status);
        if (message.kind === 'cached') status = message;
      };
      const responder = simulatedResponder();
      const taskQueue = `bench-gate-${tag}`;
      const worker = await startWorkerProcess(
        {
          address: target.address,
          namespace: target.namespace,
          taskQueue,
          oktaUrl: okta.url,
          oktaToken: okta.token,
          responderPublicKey: responder.publicKey,
          groups: { 'secops-oncall': [SIMULATED_RESPONDER], 'secops-leads': [SIMULATED_RESPONDER] },
          maxCachedWorkflows,
          ...(options.bundlePath ? { bundlePath: options.bundlePath } : {}),
        },
        heard,
        options.workerNodeFlags,
      );
      /** How the worker stands, for the progress lines. */
      const workerText = () =>
        `worker RSS ${megabytes(worker.rss())} MB${heapText()}, ${status?.runs ?? 0} runs cached`;
      /** Waits until every run is `state` (`count()` of them are), its progress lines saying how many and the worker's. */
      const untilEveryRun = (what: string, count: () => number, state: string) =>
        until(
          what,
          () => count() >= options.runs,
          () => `${count()} of ${options.runs} ${state}, ${workerText()}`,
          worker,
        );
      const readyRss = worker.rss();
      let peak = readyRss;
      const sampler = setInterval(() => {
        peak = Math.max(peak, worker.rss());
      }, 250);
      const connection = await Connection.connect({ address: target.address });
      const client = new Client({ connection, namespace: target.namespace });
      try {
        const workflowIds: string[] = [];
        const started = performance.now();
        await inBatches(victims, options.inFlight, async (victim) => {
          const run = await startRun(client, {
            plan,
            inputs: { login: victim.profile.login },
            requester: 'bench',
            trigger: { kind: 'api' },
            taskQueue,
          });
          workflowIds.push(run.workflowId);
        });
        const startSeconds = (performance.now() - started) / 1000;
        await untilEveryRun('every run waits at its gate', () => waiting.size, 'waiting');
        const allWaitingSeconds = (performance.now() - started) / 1000;
        const allWaitingRss = worker.rss();
        // The worker reports its cache every second: wait for a report made after the last run reached its gate.
        await sleep(1100);
        const cachedWhenAllWaiting = status?.runs ?? 0;
        const slowestToGate = lastToGate ? await historyTimeline(client.workflow.getHandle(lastToGate)) : undefined;

        console.error(
          `B4: all ${options.runs} waiting after ${allWaitingSeconds.toFixed(1)} s; started at ${(options.runs / startSeconds).toFixed(1)}/s; worker RSS ${megabytes(allWaitingRss)} MB (${megabytes(readyRss)} MB when it began polling), ${cachedWhenAllWaiting} runs cached`,
        );
        const approving = performance.now();
        let retriedApprovals = 0;
        await inBatches(workflowIds, options.inFlight, async (workflowId) => {
          const approval = waiting.get(workflowId);
          if (!approval) throw new Error(`B4: ${workflowId} never asked for approval`);
          // A starved worker can let a workflow task time out; the server then refuses updates until the task's next
          // attempt, and a responder tries again, as a person would.
          for (let attempt = 1; ; attempt += 1) {
            try {
              await responder.approve(client, workflowId, approval);
              return;
            } catch (error) {
              // The refused attempt may have counted before its workflow task timed out.
              if (attempt > 1 && error instanceof DecisionRefusedError && /already approved/.test(error.message))
                return;
              if (attempt >= APPROVAL_ATTEMPTS || !isWorkflowTaskFailing(error)) throw error;
              retriedApprovals += 1;
              await sleep(1000 * attempt);
            }
          }
        });
        const approveSeconds = (performance.now() - approving) / 1000;
        await untilEveryRun('every run has closed', () => finished.size, 'closed');
        const allCompletedSeconds = (performance.now() - approving) / 1000;
        const contained = victims.filter(
          (victim) =>
            okta.user(victim.id)?.status === 'SUSPENDED' &&
            okta.state.sessionsOf(victim.id).length === 0 &&
            okta.state.grantsOf(victim.id).length === 0 &&
            okta.state.factorsOf(victim.id).length === 0,
        ).length;
        return {
          runs: options.runs,
          inFlight: options.inFlight,
          latencyMs: options.latencyMs,
          maxCachedWorkflows,
          cachedWhenAllWaiting,
          startSeconds,
          startsPerSecond: options.runs / startSeconds,
          allWaitingSeconds,
          approveSeconds,
          approvalsPerSecond: options.runs / approveSeconds,
          allCompletedSeconds,
          succeeded: [...finished.values()].filter((status) => status === 'succeeded').length,
          contained,
          retriedApprovals,
          workerRssMb: { ready: megabytes(readyRss), allWaiting: megabytes(allWaitingRss), peak: megabytes(peak) },
          benchmarkRssMb: megabytes(process.memoryUsage().rss),
          slowestToGate,
        };
      } finally {
        clearInterval(sampler);
        await worker.stop();
        await connection.close();
      }
    });
  } finally {
    await okta.close();
  }
}

export function printGateWait(result: GateResult): void {
  console.log(
    `\nB4: ${result.runs} runs of okta-account-compromise waiting at their approval gate, local Okta +${result.latencyMs} ms a request`,
  );
  console.log(
    `  started            ${result.runs} in ${result.startSeconds.toFixed(1)} s: ${result.startsPerSecond.toFixed(0)} starts/s (${result.inFlight} in flight)`,
  );
  console.log(`  all waiting        ${result.allWaitingSeconds.toFixed(1)} s after the first start`);
  console.log(
    `  workflow cache     ${result.cachedWhenAllWaiting} runs in memory with all waiting (bound ${result.maxCachedWorkflows}); the others evicted, replayed when approved`,
  );
  console.log(
    `  worker RSS         ${result.workerRssMb.ready} MB when it began polling, ${result.workerRssMb.allWaiting} MB with all waiting, ${result.workerRssMb.peak} MB peak (its own process; target < 400 MB); the benchmark's client and local Okta ${result.benchmarkRssMb} MB`,
  );
  console.log(
    `  approved           ${result.runs} in ${result.approveSeconds.toFixed(1)} s: ${result.approvalsPerSecond.toFixed(0)} approvals/s (signed, verified by the worker; ${result.retriedApprovals} sent again after a workflow task timed out)`,
  );
  console.log(
    `  completed          ${result.succeeded} of ${result.runs} succeeded, ${result.contained} accounts contained, ${result.allCompletedSeconds.toFixed(1)} s after the first approval`,
  );
  if (result.slowestToGate) printTimeline('the last run to reach its gate, from its history:', result.slowestToGate);
}
