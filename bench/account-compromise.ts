/**
 * Benchmark B2 (issue 11): one phished account, the `okta-account-compromise` steps with the approval replaced by an
 * `unattended` reason, against two plain scripts making the same changes through the same Okta SDK: one sequential
 * (getUser, revokeUserSessions, revokeUserGrants, resetFactors, suspendUser), one with the four changes in parallel
 * after getUser. The local Okta adds 50 ms to every request; the sides alternate, several rounds, in one process.
 * Prints medians, the ratios to the sequential script and the requests counted at the local Okta; writes
 * bench/results/account-compromise.json.
 *
 *   npm run bench -- account [--rounds 7] [--latency-ms 50]
 *
 * "Last write" is when the last containment write (sessions, grants, factors, suspension) reached the local Okta,
 * from the moment the side began; "total" is until the side finished (for cordon: workflow start to close).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import okta from '@okta/okta-sdk-nodejs';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { assembleActivities } from '../activities/assemble';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { createOktaClient } from '../activities/okta/client';
import { builtinRegistry } from '../activities/registry';
import { oktaConfigSchema } from '../config/okta';
import { compilePlaybook, loadPlaybookSource } from '../dsl';
import type { Plan } from '../dsl/plan';
import { startRun } from '../runs/start-run';
import { startOktaStandIn, type OktaStandIn } from '../stand-ins/okta';
import { createCordonWorker, type WorkflowBundle } from '../temporal/worker-factory';
import { statusQuery } from '../workflows/messages';
import { clientOf, median, withTemporal, type TemporalTarget } from './bench-temporal';
import { historyTimeline, printTimeline, type Timeline } from './history-timeline';

const PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'playbooks',
  'okta-account-compromise.yaml',
);
const WRITES = new Set(['revokeUserSessions', 'revokeUserGrants', 'resetFactors', 'suspendUser']);
const SIDES = ['script-sequential', 'script-parallel', 'cordon'] as const;
type Side = (typeof SIDES)[number];

export interface AccountSample {
  side: Side;
  round: number;
  totalMs: number;
  lastWriteMs: number;
  requests: number;
  operations: string[];
  /** The cordon run's workflow id. */
  workflowId?: string;
}

export interface AccountSideSummary {
  medianTotalMs: number;
  medianLastWriteMs: number;
  minTotalMs: number;
  maxTotalMs: number;
  requests: number;
  totalToSequential: number;
  lastWriteToSequential: number;
}

export interface AccountCompromiseResult {
  rounds: number;
  latencyMs: number;
  sides: Record<Side, AccountSideSummary>;
  /** Median per-step time of the cordon runs, from the run's own record (workflow time). */
  cordonSteps: Record<string, number>;
  /** The history of the cordon run with the median total, as a timeline. */
  profile: Timeline | undefined;
  samples: AccountSample[];
}

export interface AccountCompromiseOptions {
  rounds: number;
  latencyMs: number;
  /** A running Temporal server (the tests'); a dev server is started otherwise. */
  temporal?: TemporalTarget;
  bundle?: WorkflowBundle;
}

export function parseAccountArgs(argv: string[]): AccountCompromiseOptions {
  const { values } = parseArgs({
    args: argv,
    options: { rounds: { type: 'string' }, 'latency-ms': { type: 'string' } },
  });
  return { rounds: Number(values.rounds ?? 7), latencyMs: Number(values['latency-ms'] ?? 50) };
}

/** The shipped playbook with its approval replaced by an unattended reason on each destructive step. */
async function unattendedPlan(): Promise<Plan> {
  const original = await readFile(PLAYBOOK, 'utf8');
  const document = z.looseObject({ steps: z.array(z.looseObject({ id: z.string() })) }).parse(parse(original));
  for (const step of document.steps) {
    if (!['factors', 'suspend', 'password'].includes(step.id)) continue;
    delete step.approval;
    step.unattended = { reason: 'benchmark B2: the containment without a human in the loop' };
  }
  const source = stringify(document);
  return compilePlaybook(loadPlaybookSource(source, PLAYBOOK, builtinRegistry), source, builtinRegistry, PLAYBOOK);
}

function seedVictim(stand: OktaStandIn, side: Side, round: number) {
  return stand.addUser({
    login: `b2-${side}-${round}@corp.example`,
    sessions: 2,
    factors: ['sms', 'token:software:totp'],
    apps: ['0oaslack', '0oagithub'],
    groups: ['Engineering'],
  });
}

export async function accountCompromiseBenchmark(options: AccountCompromiseOptions): Promise<AccountCompromiseResult> {
  const stand = await startOktaStandIn();
  try {
    return await withTemporal(options.temporal, async (target) => {
      const sdk = new okta.Client({
        orgUrl: stand.url,
        token: stand.token,
        authorizationMode: 'SSWS',
        cacheMiddleware: null,
      });
      const taskQueue = `bench-account-${Date.now()}`;
      const worker = await createCordonWorker({
        connection: { address: target.address },
        namespace: target.namespace,
        taskQueue,
        bundle: options.bundle,
        activities: assembleActivities({
          clients: {
            okta: createOktaClient(
              oktaConfigSchema.parse({ orgUrl: stand.url, auth: { mode: 'ssws', token: stand.token } }),
            ),
          },
          directory: createStaticDirectory({}),
          notifier: createLogNotifier(() => {}),
        }),
      });
      const running = worker.run();
      const temporal = await clientOf(target);
      const plan = await unattendedPlan();
      const stepTimes: Record<string, number[]> = {};
      let closedAt: number | undefined;

      const sides: Record<Side, (login: string) => Promise<string | void>> = {
        'script-sequential': async (login) => {
          const user = await sdk.userApi.getUser({ userId: login });
          const userId = user.id ?? login;
          await sdk.userApi.revokeUserSessions({ userId, oauthTokens: true });
          await sdk.userApi.revokeUserGrants({ userId });
          await sdk.userApi.resetFactors({ userId });
          await sdk.userApi.suspendUser({ userId });
        },
        'script-parallel': async (login) => {
          const user = await sdk.userApi.getUser({ userId: login });
          const userId = user.id ?? login;
          await Promise.all([
            sdk.userApi.revokeUserSessions({ userId, oauthTokens: true }),
            sdk.userApi.revokeUserGrants({ userId }),
            sdk.userApi.resetFactors({ userId }),
            sdk.userApi.suspendUser({ userId }),
          ]);
        },
        cordon: async (login) => {
          const { handle } = await startRun(temporal, {
            plan,
            inputs: { login },
            requester: 'bench',
            trigger: { kind: 'api' },
            taskQueue,
          });
          await handle.result();
          // The run is over here: reading its record back (a query, which replays a closed run) is not its time.
          closedAt = Date.now();
          const state = await handle.query(statusQuery);
          if (state.status !== 'succeeded') throw new Error(`cordon run for ${login} ended ${state.status}`);
          for (const step of state.steps) {
            if (!step.startedAt || !step.endedAt) continue;
            (stepTimes[step.id] ??= []).push(Date.parse(step.endedAt) - Date.parse(step.startedAt));
          }
          return handle.workflowId;
        },
      };

      const measure = async (side: Side, round: number): Promise<AccountSample> => {
        const victim = seedVictim(stand, side, round);
        const first = stand.requests.length;
        const started = Date.now();
        closedAt = undefined;
        const workflowId = await sides[side](victim.profile.login);
        const totalMs = (closedAt ?? Date.now()) - started;
        const requests = stand.requests.slice(first);
        const writes = requests.filter((request) => WRITES.has(request.operation));
        const lastWriteMs = Math.max(...writes.map((request) => Date.parse(request.at) - started));
        const contained =
          stand.user(victim.id)?.status === 'SUSPENDED' &&
          stand.state.sessionsOf(victim.id).length === 0 &&
          stand.state.grantsOf(victim.id).length === 0 &&
          stand.state.factorsOf(victim.id).length === 0;
        if (!contained) throw new Error(`${side}, round ${round}: ${victim.profile.login} is not contained`);
        return {
          side,
          round,
          totalMs,
          lastWriteMs,
          requests: requests.length,
          operations: requests.map((request) => request.operation),
          ...(workflowId ? { workflowId } : {}),
        };
      };

      try {
        stand.faults.inject('*', { kind: 'delay', ms: options.latencyMs }, Number.MAX_SAFE_INTEGER);
        // A warm-up of each side, not counted: the first workflow task and the first SDK request pay for loading.
        for (const side of SIDES) await measure(side, -1);
        for (const times of Object.values(stepTimes)) times.length = 0;
        const samples: AccountSample[] = [];
        for (let round = 0; round < options.rounds; round += 1) {
          // Alternating: each side goes first in turn, so drift on a shared machine spreads over all of them.
          const order = SIDES.map((_, index) => SIDES[(index + round) % SIDES.length] ?? 'cordon');
          for (const side of order) samples.push(await measure(side, round));
        }
        const cordonRuns = samples.filter((sample) => sample.side === 'cordon').sort((a, b) => a.totalMs - b.totalMs);
        const typical = cordonRuns[Math.floor(cordonRuns.length / 2)]?.workflowId;
        const profile = typical ? await historyTimeline(temporal.workflow.getHandle(typical)) : undefined;
        return summarise(options, samples, stepTimes, profile);
      } finally {
        await worker.shutdown();
        await running.catch(() => undefined);
      }
    });
  } finally {
    await stand.close();
  }
}

function summarise(
  options: AccountCompromiseOptions,
  samples: AccountSample[],
  stepTimes: Record<string, number[]>,
  profile: Timeline | undefined,
): AccountCompromiseResult {
  const of = (side: Side) => samples.filter((sample) => sample.side === side);
  const base = {
    total: median(of('script-sequential').map((sample) => sample.totalMs)),
    lastWrite: median(of('script-sequential').map((sample) => sample.lastWriteMs)),
  };
  const summary = (side: Side): AccountSideSummary => {
    const totals = of(side).map((sample) => sample.totalMs);
    const medianTotalMs = median(totals);
    const medianLastWriteMs = median(of(side).map((sample) => sample.lastWriteMs));
    return {
      medianTotalMs,
      medianLastWriteMs,
      minTotalMs: Math.min(...totals),
      maxTotalMs: Math.max(...totals),
      requests: median(of(side).map((sample) => sample.requests)),
      totalToSequential: medianTotalMs / base.total,
      lastWriteToSequential: medianLastWriteMs / base.lastWrite,
    };
  };
  return {
    rounds: options.rounds,
    latencyMs: options.latencyMs,
    sides: {
      'script-sequential': summary('script-sequential'),
      'script-parallel': summary('script-parallel'),
      cordon: summary('cordon'),
    },
    cordonSteps: Object.fromEntries(Object.entries(stepTimes).map(([id, times]) => [id, median(times)])),
    profile,
    samples,
  };
}

export function printAccountCompromise(result: AccountCompromiseResult): void {
  console.log(
    `\nB2: one account, okta-account-compromise unattended, local Okta +${result.latencyMs} ms a request, ${result.rounds} rounds alternating`,
  );
  console.log(
    `${'side'.padEnd(20)}${'median total'.padStart(14)}${'min..max'.padStart(14)}${'last write'.padStart(12)}${'requests'.padStart(10)}${'total/seq'.padStart(11)}${'write/seq'.padStart(11)}`,
  );
  for (const side of SIDES) {
    const row = result.sides[side];
    console.log(
      `${side.padEnd(20)}${`${row.medianTotalMs} ms`.padStart(14)}${`${row.minTotalMs}..${row.maxTotalMs}`.padStart(14)}${`${row.medianLastWriteMs} ms`.padStart(12)}${String(row.requests).padStart(10)}${`${row.totalToSequential.toFixed(2)}x`.padStart(11)}${`${row.lastWriteToSequential.toFixed(2)}x`.padStart(11)}`,
    );
  }
  const steps = Object.entries(result.cordonSteps)
    .map(([id, ms]) => `${id} ${ms} ms`)
    .join(', ');
  console.log(`cordon, median per step (the run's record): ${steps}`);
  console.log(
    'targets (issue 11): last write <= 0.75x sequential; total <= 1.0x; <= 8 requests (cordon makes 4 for the snapshot it keeps as evidence, 4 writes, the grants listed for the record and 2 read-backs of the lock-down)',
  );
  if (result.profile) printTimeline('the cordon run with the median total, from its history:', result.profile);
}
