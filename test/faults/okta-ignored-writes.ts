/**
 * Fault: the local Okta accepts a containment write without applying it (eventual consistency, or a bug on Okta's
 * side): a seeded share of the lock-down writes (`suspendUser`, `resetFactors`) answer 200 and change nothing. Each
 * okta-account-compromise run must notice it by reading back, retry, and end with the account contained, as the local
 * Okta's state (not cordon's record) shows; each applied write once in its change log; and the retry reported in the
 * run's history (the step's attempts, the read-back's failure). A write Okta ignores on every attempt the step's retry
 * policy allows (at 50 %, one in 32) cannot be made: then the run must fail `EffectNotVerified`, naming that write.
 */
import { median } from '../../bench/bench-temporal';
import { FAILURE_TYPES } from '../../activities/errors';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { driveAccountRun, oktaOutcome, startAccountRun } from './account-run';
import { openAccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';

/** The writes that may be ignored: those an attacker would otherwise keep (enrolled factors, an active account). */
export const IGNORABLE_WRITES = ['suspendUser', 'resetFactors'] as const;

export interface OktaIgnoredWritesOptions {
  runs: number;
  random: SeededRandom;
  /** The share of those writes Okta accepts without applying. @default 0.5 */
  rate?: number;
  runDeadlineMs?: number;
  log?: (line: string) => void;
}

interface IgnoredSample {
  run: number;
  closed: string;
  runStatus?: string;
  totalMs: number;
  contained: boolean;
  writes: Record<string, number>;
  doubled: string[];
  /** Read-backs that found the effect missing, as the run's history reports them (a retried attempt's last failure). */
  detected: number;
  /** The writes Okta ignored on every attempt, as the failures that ended their steps say them. */
  exhausted: string[];
}

export async function oktaIgnoredWritesScenario(
  temporal: TemporalTarget,
  options: OktaIgnoredWritesOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const rate = options.rate ?? 0.5;
  const world = await openAccountWorld(temporal, 'ignored');
  try {
    await world.startWorker();
    world.okta.faults.randomly({
      seed: options.random.integer(0, 2 ** 31),
      rate,
      mix: [{ kind: 'ignore' }],
      operations: IGNORABLE_WRITES,
    });
    // The first run meets each kind of ignored write whatever the draw, so even a smoke run shows it is caught.
    for (const operation of IGNORABLE_WRITES) world.okta.faults.inject(operation, { kind: 'ignore' });
    const samples: IgnoredSample[] = [];
    for (let index = 0; index < options.runs; index += 1) {
      const run = await startAccountRun(world, `ignored-${index}@corp.example`);
      const driven = await driveAccountRun(world.client, run, options.runDeadlineMs ?? 120_000);
      const outcome = oktaOutcome(world.okta, run.victim);
      const history = await run.handle.fetchHistory();
      // A history keeps only the last attempt of an activity, with the failure before it and its attempt number: an
      // action whose write was ignored twice in a row shows one started event, on attempt 3. Only ignored writes fail
      // here, so each attempt before the last is one found by reading back.
      const events = history.events ?? [];
      const exhausted = events.flatMap((event) => {
        const failure = event.activityTaskFailedEventAttributes?.failure;
        return failure?.applicationFailureInfo?.type === FAILURE_TYPES.notVerified ? [failure.message ?? ''] : [];
      });
      // The failure that ended a step is its last attempt's, which no started event reports: one more each.
      const detected =
        exhausted.length +
        events.reduce((sum, event) => {
          const started = event.activityTaskStartedEventAttributes;
          if (started?.lastFailure?.applicationFailureInfo?.type !== FAILURE_TYPES.notVerified) return sum;
          return sum + Math.max(1, (started.attempt ?? 1) - 1);
        }, 0);
      samples.push({
        run: index,
        closed: driven.closed,
        runStatus: driven.runStatus,
        totalMs: driven.endedAt - run.startedAt,
        contained: outcome.contained,
        writes: outcome.writes,
        doubled: outcome.doubled,
        detected,
        exhausted,
      });
      log(
        `ignored writes ${index + 1}/${options.runs}: ${driven.closed} (${driven.runStatus ?? '?'}), contained ` +
          `${outcome.contained}, ${detected} detected, writes ${JSON.stringify(outcome.writes)}`,
      );
    }
    world.okta.faults.randomly(undefined);
    const ignored = world.okta.faults.injected.length + IGNORABLE_WRITES.length;
    const failures: string[] = [];
    for (const sample of samples) {
      const where = `run ${sample.run}`;
      const succeeded = sample.closed === 'COMPLETED' && sample.runStatus === 'succeeded';
      // Failing is right only for a write ignored on every attempt, said by name (`Okta suspendUser for user …`).
      const failedNamingIt =
        sample.runStatus === 'failed' &&
        sample.exhausted.length > 0 &&
        sample.exhausted.every((message) =>
          IGNORABLE_WRITES.some((operation) => message.includes(`Okta ${operation} `)),
        );
      if (!succeeded && !failedNamingIt)
        failures.push(`${where}: ${sample.closed}, run status ${sample.runStatus ?? 'unknown'}`);
      if (!sample.contained && !failedNamingIt)
        failures.push(`${where}: ${sample.runStatus ?? 'ended'}, but the account is not contained at Okta`);
      if (sample.doubled.length > 0) failures.push(`${where}: made twice at Okta: ${sample.doubled.join(', ')}`);
    }
    const detected = samples.reduce((sum, sample) => sum + sample.detected, 0);
    if (detected < ignored)
      failures.push(`Okta ignored ${ignored} write(s), the runs' histories report ${detected} found by reading back`);
    const contained = samples.filter((sample) => sample.contained).length;
    const exhausted = samples.filter((sample) => sample.exhausted.length > 0).length;
    return {
      fault: `local Okta accepts ${Math.round(rate * 100)} % of lock-down writes without applying them`,
      seed: options.random.seed,
      attempts: samples.length,
      outcome:
        `${contained}/${samples.length} contained at Okta; ${ignored} writes ignored, ${detected} detected by ` +
        `read-back and retried; ${exhausted} failed EffectNotVerified (a write ignored on every attempt); median ${(median(samples.map((sample) => sample.totalMs)) / 1000).toFixed(1)} s`,
      violations: failures.length,
      mustHold:
        'detected by verification, retried, reported; every account contained, or its run failed EffectNotVerified ' +
        'naming a write ignored on every attempt; no write twice',
      held: failures.length === 0,
      durationMs: Date.now() - began,
      failures,
      details: { rate, ignored: world.okta.faults.injected, samples },
    };
  } finally {
    await world.close();
  }
}
