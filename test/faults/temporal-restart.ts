/**
 * Fault: the Temporal server itself stopped mid-run and started again. A scratch dev server of its own keeps its state
 * in a SQLite file (`--db-filename`); at a random moment of an okta-account-compromise run it is stopped (SIGTERM, or
 * SIGKILL as a lost host: half the runs each) and started again on the same port and the same file. cordon's worker is
 * not restarted: it must reconnect by itself. Every run must complete after the restart, each containment write once
 * at the local Okta, and in half the runs the restart falls while the lock-down approval waits: that approval is
 * decided only after the restart, and must count.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../../bench/bench-temporal';
import { DecisionRefusedError } from '../../runs/decide';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { freePort, type DevServer } from '../../temporal/dev-server';
import { startScratchServer } from '../../temporal/scratch-server';
import { statusQuery } from '../../workflows/messages';
import { decide } from '../support/people';
import {
  driveAccountRun,
  oktaOutcome,
  pendingLockDownHash,
  runFailures,
  runSample,
  startAccountRun,
  succeeded,
  type DrivenRun,
  type RunSample,
  type StartedAccountRun,
} from './account-run';
import { openAccountWorld, type AccountWorld } from './account-world';
import type { ScenarioFigures } from './figures';

export interface TemporalRestartOptions {
  runs: number;
  random: SeededRandom;
  /** How long one run may take, restart included, before it counts as lost. */
  runDeadlineMs?: number;
  log?: (line: string) => void;
}

type StopSignal = 'SIGTERM' | 'SIGKILL';

interface RestartSample extends RunSample {
  run: number;
  signal: StopSignal;
  /** The restart fell while the lock-down approval waited, and the approval was decided after it. */
  heldApproval: boolean;
  /** When the server was stopped, from the run's start. */
  stopAtMs: number;
  /** The run was still open when the server stopped. */
  stoppedMidRun: boolean;
  /** From the stop until the restarted server answered. */
  downMs: number;
  /** For a held approval: the responder's decision sent after the restart counted (the gate says so). */
  decidedAfterRestart?: boolean;
  /** What each attempt to send that decision was answered. */
  decisionAnswers?: string[];
  /** For a run still open at its deadline: where it stands at the server. */
  stuck?: string;
  /** The worker process was still alive (not restarted by anyone) after the run. */
  workerAlive: boolean;
}

/** The server, stopped and started again on the same port and database file. */
class RestartableServer {
  private constructor(
    private server: DevServer,
    private readonly dbFile: string,
    private readonly port: number,
  ) {}

  static async start(dbFile: string): Promise<RestartableServer> {
    const port = await freePort();
    return new RestartableServer(await startScratchServer(undefined, { dbFile, port }), dbFile, port);
  }

  get target() {
    return { address: this.server.address, namespace: this.server.namespace };
  }

  /** Stops the server with `signal` and starts it again; resolves once it answers, with how long it was away. */
  async restart(signal: StopSignal, pauseMs: number): Promise<number> {
    const stoppedAt = Date.now();
    await (signal === 'SIGKILL' ? this.server.kill() : this.server.stop());
    await sleep(pauseMs);
    this.server = await startScratchServer(undefined, { dbFile: this.dbFile, port: this.port });
    return Date.now() - stoppedAt;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/**
 * The responder's approval, sent after the restart until the run answers (the worker may still be reconnecting, and the
 * server forgets an Update it had not delivered when it stopped). An attempt the client gave up on may still have been
 * delivered: a later attempt is then refused as a duplicate, which is why what counts is read from the run's gate
 * afterwards (`decidedAfter`), not from these answers.
 */
async function approveAfterRestart(
  world: AccountWorld,
  run: StartedAccountRun,
  inputsHash: string,
  deadlineMs: number,
): Promise<string[]> {
  const deadline = Date.now() + deadlineMs;
  const answers: string[] = [];
  while (Date.now() < deadline) {
    try {
      const approval = await world.client.withDeadline(Date.now() + 60_000, () =>
        decide(world.client, run.workflowId, {
          stepId: 'factors',
          decision: 'approve',
          approver: 'responder',
          inputsHash,
        }),
      );
      answers.push(`the gate is ${approval.status}`);
      return answers;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      answers.push(error instanceof DecisionRefusedError ? `refused: ${message}` : message);
      if (error instanceof DecisionRefusedError) return answers;
      await sleep(500);
    }
  }
  return answers;
}

/** The lock-down gate was approved by the responder's decision made after `stoppedAt`, as the run's state says. */
async function decidedAfter(world: AccountWorld, run: StartedAccountRun, stoppedAt: number): Promise<boolean> {
  const state = await world.client
    .withDeadline(Date.now() + 10_000, () => run.handle.query(statusQuery))
    .catch(() => undefined);
  const gate = state?.approvals.find((approval) => approval.stepId === 'factors');
  return (
    gate?.status === 'approved' &&
    gate.decisions.some(
      (decision) =>
        decision.approver === 'responder' && decision.decision === 'approve' && Date.parse(decision.at) >= stoppedAt,
    )
  );
}

/** Where an unfinished run stands, as the server says: its pending work and its last events. */
async function whereItStands(run: StartedAccountRun): Promise<string> {
  try {
    const description = await run.handle.describe();
    const history = await run.handle.fetchHistory();
    const last = (history.events ?? []).slice(-6).map((event) => String(event.eventType));
    const task = description.raw.pendingWorkflowTask;
    const activities = (description.raw.pendingActivities ?? []).map((activity) => activity.activityType?.name);
    return (
      `${description.status.name}; pending activities ${JSON.stringify(activities)}; ` +
      `pending workflow task ${task ? `attempt ${task.attempt ?? '?'}` : 'none'}; last events ${last.join(', ')}`
    );
  } catch (error) {
    return `not described: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function temporalRestartScenario(options: TemporalRestartOptions): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const deadlineMs = options.runDeadlineMs ?? 180_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-faults-restart-'));
  const server = await RestartableServer.start(path.join(dir, 'temporal.db'));
  try {
    const world = await openAccountWorld(server.target, 'restart');
    try {
      const worker = await world.startWorker();
      let spanMs = 0;
      for (const name of ['warm-up', 'calibration']) {
        const run = await startAccountRun(world, `restart-${name}@corp.example`);
        const undisturbed = await driveAccountRun(world.client, run, deadlineMs);
        if (undisturbed.closed !== 'COMPLETED')
          throw new Error(`the undisturbed ${name} run did not complete (${undisturbed.closed})`);
        spanMs = undisturbed.endedAt - run.startedAt;
      }
      log(`temporal restart: an undisturbed run takes ${spanMs} ms; restarts spread uniformly over it`);

      const samples: RestartSample[] = [];
      for (let index = 0; index < options.runs; index += 1) {
        // Each pair of signal and moment in every four runs (the first two already cover SIGTERM with a waiting
        // approval and SIGKILL at a drawn moment); the moments themselves are drawn.
        const signal: StopSignal = ((index + 1) >> 1) % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
        const heldApproval = index % 2 === 0;
        const pauseMs = Math.round(options.random.uniform(0, 2_000));
        const run = await startAccountRun(world, `restart-${index}@corp.example`);
        let stopAtMs: number;
        let stoppedMidRun: boolean;
        let downMs: number;
        let answers: string[] | undefined;
        let stoppedAt = 0;
        let driven: DrivenRun;
        if (heldApproval) {
          const inputsHash = await pendingLockDownHash(world, run, deadlineMs);
          await sleep(options.random.uniform(0, 1_000));
          stoppedAt = Date.now();
          stopAtMs = stoppedAt - run.startedAt;
          stoppedMidRun = true;
          downMs = await server.restart(signal, pauseMs);
          answers = await approveAfterRestart(world, run, inputsHash, deadlineMs);
          driven = await driveAccountRun(world.client, run, deadlineMs, { approve: false });
        } else {
          stopAtMs = Math.round(options.random.uniform(0, spanMs));
          const restarted = (async () => {
            await sleep(Math.max(0, run.startedAt + stopAtMs - Date.now()));
            const open = await world.client
              .withDeadline(Date.now() + 3_000, () => run.handle.describe())
              .then((description) => description.status.name === 'RUNNING')
              .catch(() => true);
            return { open, downMs: await server.restart(signal, pauseMs) };
          })();
          // The run is driven (approved as soon as it asks) while the restart happens, whenever it falls.
          const [restart, drivenRun] = await Promise.all([restarted, driveAccountRun(world.client, run, deadlineMs)]);
          stoppedMidRun = restart.open;
          downMs = restart.downMs;
          driven = drivenRun;
        }
        const outcome = oktaOutcome(world.okta, run.victim);
        const counted = heldApproval ? await decidedAfter(world, run, stoppedAt) : undefined;
        const stuck = driven.closed === 'open' ? await whereItStands(run) : undefined;
        samples.push({
          run: index,
          signal,
          heldApproval,
          stopAtMs,
          stoppedMidRun,
          downMs,
          decidedAfterRestart: counted,
          decisionAnswers: answers,
          stuck,
          ...runSample(run, driven, outcome),
          workerAlive: !worker.exited,
        });
        log(
          `temporal restart ${index + 1}/${options.runs}: ${signal} at ${stopAtMs} ms` +
            `${heldApproval ? ' (approval waiting)' : stoppedMidRun ? '' : ' (after the run)'}, away ${downMs} ms, ` +
            `${driven.closed} in ${driven.endedAt - run.startedAt} ms, writes ${JSON.stringify(outcome.writes)}` +
            (answers
              ? `, approval after the restart ${counted ? 'counted' : 'did not count'} (${answers.join('; ')})`
              : '') +
            (stuck ? `; still open: ${stuck}` : ''),
        );
      }
      return summarise(options, samples, spanMs, Date.now() - began);
    } finally {
      await world.close();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function summarise(
  options: TemporalRestartOptions,
  samples: RestartSample[],
  spanMs: number,
  durationMs: number,
): ScenarioFigures {
  const failures: string[] = [];
  for (const sample of samples) {
    const where = `run ${sample.run} (${sample.signal} at ${sample.stopAtMs} ms)`;
    failures.push(...runFailures(where, sample, sample.stuck ? ` (${sample.stuck})` : ''));
    if (sample.heldApproval && !sample.decidedAfterRestart)
      failures.push(
        `${where}: the approval waiting across the restart did not count (${(sample.decisionAnswers ?? []).join('; ')})`,
      );
    if (!sample.workerAlive) failures.push(`${where}: the worker process exited instead of reconnecting`);
  }
  const completed = samples.filter(succeeded);
  const held = samples.filter((sample) => sample.heldApproval);
  const counted = held.filter((sample) => sample.decidedAfterRestart).length;
  const midRun = samples.filter((sample) => sample.stoppedMidRun).length;
  const killed = samples.filter((sample) => sample.signal === 'SIGKILL').length;
  const doubled = samples.reduce((sum, sample) => sum + sample.doubled.length, 0);
  return {
    fault: 'Temporal dev server (SQLite file) stopped mid-run, restarted on the same port and file',
    seed: options.random.seed,
    attempts: samples.length,
    outcome:
      `${completed.length}/${samples.length} completed (${midRun} stops mid-run, ${killed} by SIGKILL); ` +
      `${counted}/${held.length} approvals waiting across the restart counted; ` +
      `server away median ${(median(samples.map((sample) => sample.downMs)) / 1000).toFixed(1)} s; ` +
      `run median ${(median(samples.map((sample) => sample.totalMs)) / 1000).toFixed(1)} s ` +
      `(undisturbed ${(spanMs / 1000).toFixed(1)} s)`,
    violations: doubled,
    mustHold: 'every run completes after the restart; each Okta write once; a waiting approval still decidable',
    held: failures.length === 0,
    durationMs,
    failures,
    details: { undisturbedMs: spanMs, samples },
  };
}
