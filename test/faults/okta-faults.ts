/**
 * Fault 2: the local Okta answers a fraction of all calls with a 500, a 429 with a reset, a 429 without one, a stall
 * longer than the worker's request timeout (the call still lands, late, as a timed-out call may), or a dropped
 * connection, drawn by a seeded generator. Every okta-account-compromise run must complete, or fail with a typed error
 * that names the Okta call; the local Okta's change log must show no containment write made twice.
 */
import { FAILURE_TYPES } from '../../activities/errors';
import { median } from '../../bench/bench-temporal';
import { campaignFaultMix } from '../../stand-ins/okta';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { driveAccountRun, oktaOutcome, startAccountRun, type DrivenRun, type OktaOutcome } from './account-run';
import { openAccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';

export interface OktaFaultsOptions {
  runs: number;
  random: SeededRandom;
  /** The fraction of Okta calls broken. @default 0.3 */
  rate?: number;
  /** How long a stalled call hangs before Okta handles it. @default 10000 */
  stallMs?: number;
  /**
   * The worker's request timeout (OKTA_REQUEST_TIMEOUT_MS); its default (30 s) when absent. Shorter than the stall, a
   * stalled write lands after the worker gave up on it, and the retry writes again: for revokeUserSessions, whose
   * effect Okta offers no way to read, that is a second (harmless, but logged) revocation.
   */
  requestTimeoutMs?: number;
  /** Runs in flight at once. @default 4 */
  concurrency?: number;
  runDeadlineMs?: number;
  log?: (line: string) => void;
}

interface FaultSample {
  run: number;
  closed: string;
  runStatus?: string;
  totalMs: number;
  stepErrors: DrivenRun['stepErrors'];
  outcome: OktaOutcome;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(FAILURE_TYPES));
/** The message of an Okta failure names the call: `okta.suspend_user: Okta suspendUser failed: 500 for user …`. */
const NAMES_THE_CALL = /Okta [a-zA-Z]+ failed/;

export async function oktaFaultsScenario(
  temporal: TemporalTarget,
  options: OktaFaultsOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const rate = options.rate ?? 0.3;
  const stallMs = options.stallMs ?? 10_000;
  const world = await openAccountWorld(temporal, 'okta', { oktaRequestTimeoutMs: options.requestTimeoutMs });
  try {
    await world.startWorker();
    world.okta.faults.randomly({ seed: options.random.integer(0, 2 ** 31), rate, mix: campaignFaultMix(stallMs) });
    const samples: FaultSample[] = [];
    let next = 0;
    const lane = async () => {
      while (next < options.runs) {
        const index = next++;
        const run = await startAccountRun(world, `okta-fault-${index}@corp.example`);
        const driven = await driveAccountRun(world.client, run, options.runDeadlineMs ?? 180_000);
        const outcome = oktaOutcome(world.okta, run.victim);
        samples.push({
          run: index,
          closed: driven.closed,
          runStatus: driven.runStatus,
          totalMs: driven.endedAt - run.startedAt,
          stepErrors: driven.stepErrors,
          outcome,
        });
        log(
          `okta faults ${samples.length}/${options.runs}: run ${index} ${driven.closed} (${driven.runStatus ?? '?'}) in ` +
            `${driven.endedAt - run.startedAt} ms, writes ${JSON.stringify(outcome.writes)}`,
        );
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, lane));
    world.okta.faults.randomly(undefined);
    const injected = world.okta.faults.injected;
    const byKind: Record<string, number> = {};
    for (const { fault } of injected) {
      const name =
        fault.kind === 'status'
          ? `status ${fault.status}`
          : fault.kind === 'rateLimit'
            ? fault.omitReset
              ? '429 without reset'
              : '429 with reset'
            : fault.kind === 'delay'
              ? `stall ${fault.ms} ms`
              : fault.kind;
      byKind[name] = (byKind[name] ?? 0) + 1;
    }
    return summarise(options, rate, samples, { requests: world.okta.requests.length, injected: byKind }, began);
  } finally {
    await world.close();
  }
}

function summarise(
  options: OktaFaultsOptions,
  rate: number,
  samples: FaultSample[],
  calls: { requests: number; injected: Record<string, number> },
  began: number,
): ScenarioFigures {
  const failures: string[] = [];
  let completed = 0;
  let typedFailures = 0;
  for (const sample of [...samples].sort((a, b) => a.run - b.run)) {
    const where = `run ${sample.run}`;
    const succeeded = sample.closed === 'COMPLETED' && sample.runStatus === 'succeeded';
    if (succeeded) {
      completed += 1;
      if (!sample.outcome.contained) failures.push(`${where}: succeeded, but the account is not contained`);
      if (sample.outcome.missing.length > 0)
        failures.push(`${where}: succeeded, but never made at Okta: ${sample.outcome.missing.join(', ')}`);
    } else if (sample.closed === 'open') {
      failures.push(`${where}: still running after the deadline`);
    } else {
      const errors = Object.entries(sample.stepErrors);
      const untyped = errors.filter(
        ([, error]) => !error.type || !KNOWN_TYPES.has(error.type) || !NAMES_THE_CALL.test(error.message),
      );
      if (errors.length === 0) failures.push(`${where}: ${sample.closed} with no step error`);
      else if (untyped.length > 0)
        failures.push(`${where}: failed without a typed error naming the call: ${JSON.stringify(untyped)}`);
      else typedFailures += 1;
    }
    if (sample.outcome.doubled.length > 0)
      failures.push(`${where}: made twice at Okta: ${sample.outcome.doubled.join(', ')}`);
    if (sample.outcome.unexpected.length > 0)
      failures.push(`${where}: unexpected changes at Okta: ${sample.outcome.unexpected.join(', ')}`);
  }
  const doubled = samples.reduce((sum, sample) => sum + sample.outcome.doubled.length, 0);
  const injectedTotal = Object.values(calls.injected).reduce((sum, count) => sum + count, 0);
  return {
    fault: `local Okta breaks ${Math.round(rate * 100)} % of calls (500, 429 ± reset, ${(options.stallMs ?? 10_000) / 1000} s stall, drop)`,
    seed: options.random.seed,
    attempts: samples.length,
    outcome:
      `${completed} completed, ${typedFailures} failed with a typed error naming the call; ` +
      `${injectedTotal} faults in ${calls.requests} calls; median ${(median(samples.map((s) => s.totalMs)) / 1000).toFixed(1)} s`,
    violations: doubled,
    mustHold: 'completes or fails typed, naming the call; no Okta write twice',
    held: failures.length === 0,
    durationMs: Date.now() - began,
    failures,
    details: { rate, calls, samples },
  };
}
