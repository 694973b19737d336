/**
 * Fault 1: cordon's worker process SIGKILLed at a random moment of a run (uniform over the length of an undisturbed
 * run, measured first), then a new worker started. Every okta-account-compromise run must complete, and the local
 * Okta's change log must show each containment write exactly once.
 */
import { median } from '../../bench/bench-temporal';
import {
  driveAccountRun,
  oktaOutcome,
  runFailures,
  runSample,
  startAccountRun,
  succeeded,
  type RunSample,
} from './account-run';
import { openAccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';
import type { SeededRandom } from '../../stand-ins/seeded-random';

export interface WorkerKillOptions {
  runs: number;
  random: SeededRandom;
  /** How long one run may take, kill and restart included, before it counts as lost. */
  runDeadlineMs?: number;
  log?: (line: string) => void;
}

interface KillSample extends RunSample {
  run: number;
  killAtMs: number;
  /** The run was still open when the worker died. */
  killedMidRun: boolean;
}

export async function workerKillScenario(
  temporal: TemporalTarget,
  options: WorkerKillOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const deadlineMs = options.runDeadlineMs ?? 120_000;
  const world = await openAccountWorld(temporal, 'kill');
  try {
    let worker = await world.startWorker();
    // Undisturbed runs first: a warm-up (the first run pays for loading), then one whose length is the span the kills
    // are spread over.
    let spanMs = 0;
    for (const name of ['warm-up', 'calibration']) {
      const run = await startAccountRun(world, `${name}@corp.example`);
      const undisturbed = await driveAccountRun(world.client, run, deadlineMs);
      if (undisturbed.closed !== 'COMPLETED')
        throw new Error(
          `the undisturbed ${name} run did not complete (${undisturbed.closed}): nothing to measure against`,
        );
      spanMs = undisturbed.endedAt - run.startedAt;
    }
    log(`worker kill: an undisturbed run takes ${spanMs} ms; kills spread uniformly over it`);

    const samples: KillSample[] = [];
    for (let index = 0; index < options.runs; index += 1) {
      const killAtMs = Math.round(options.random.uniform(0, spanMs));
      const run = await startAccountRun(world, `kill-${index}@corp.example`);
      const killed = (async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, run.startedAt + killAtMs - Date.now())));
        const open = (await world.client.workflow.getHandle(run.workflowId).describe()).status.name === 'RUNNING';
        await worker.kill();
        worker = await world.startWorker();
        return open;
      })();
      const driven = await driveAccountRun(world.client, run, deadlineMs);
      const killedMidRun = await killed;
      const outcome = oktaOutcome(world.okta, run.victim);
      samples.push({ run: index, killAtMs, killedMidRun, ...runSample(run, driven, outcome) });
      log(
        `worker kill ${index + 1}/${options.runs}: killed at ${killAtMs} ms${killedMidRun ? '' : ' (after the run)'}, ` +
          `${driven.closed} in ${driven.endedAt - run.startedAt} ms, writes ${JSON.stringify(outcome.writes)}`,
      );
    }
    return summarise(options, samples, spanMs, Date.now() - began);
  } finally {
    await world.close();
  }
}

function summarise(
  options: WorkerKillOptions,
  samples: KillSample[],
  spanMs: number,
  durationMs: number,
): ScenarioFigures {
  const failures: string[] = [];
  for (const sample of samples) {
    failures.push(...runFailures(`run ${sample.run} (killed at ${sample.killAtMs} ms)`, sample));
  }
  const completed = samples.filter(succeeded);
  const midRun = samples.filter((sample) => sample.killedMidRun).length;
  const doubled = samples.reduce((sum, sample) => sum + sample.doubled.length, 0);
  return {
    fault: 'worker SIGKILLed at a random moment, restarted',
    seed: options.random.seed,
    attempts: samples.length,
    outcome:
      `${completed.length}/${samples.length} completed (${midRun} kills mid-run); ` +
      `median ${(median(samples.map((sample) => sample.totalMs)) / 1000).toFixed(1)} s, ` +
      `max ${(Math.max(0, ...samples.map((sample) => sample.totalMs)) / 1000).toFixed(1)} s ` +
      `(undisturbed ${(spanMs / 1000).toFixed(1)} s)`,
    violations: doubled,
    mustHold: 'every run completes; each Okta write exactly once',
    held: failures.length === 0,
    durationMs,
    failures,
    details: { undisturbedMs: spanMs, samples },
  };
}
