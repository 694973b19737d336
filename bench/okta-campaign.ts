/**
 * Benchmark B3 (issue 11) and issue 19: the shipped `okta-phishing-campaign` playbook over N phished accounts, against
 * the local Okta enforcing a budget per operation (600 a minute by default, with real `X-Rate-Limit-*` headers and
 * 429s) with 50 ms added to every request, both gates approved as soon as they ask, on a real embedded Temporal dev
 * server. Prints wall time, requests counted at the local Okta, 429s, whether every account was contained once, and
 * the ratio to the rate-limit bound; writes bench/results/okta-campaign.json.
 *
 *   npm run bench -- campaign [--users 200] [--limit 600] [--latency-ms 50]
 *
 * The bound, as issue 11 defines it: requests ÷ limit, in minutes. The local Okta counts per operation, so it is the
 * busiest operation's requests ÷ the limit. Two figures: for the minimal requests (each account read once and changed
 * once per kind: N per operation) and for the requests cordon actually made (429s not counted).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { createOktaClient } from '../activities/okta/client';
import { OktaRateLimiter } from '../activities/okta/rate-limiter';
import { oktaConfigSchema } from '../config/okta';
import { compilePlaybookSource } from '../dsl';
import { builtinRegistry } from '../activities/registry';
import { assembleActivities } from '../activities/assemble';
import { SIMULATED_RESPONDER, simulatedResponder } from '../runs/simulated-responder';
import { startRun } from '../runs/start-run';
import { startOktaStandIn } from '../stand-ins/okta';
import { startScratchServer } from '../temporal/scratch-server';
import { createCordonWorker } from '../temporal/worker-factory';
import { statusQuery } from '../workflows/messages';
import type { RunState } from '../workflows/run-state';
import { z } from 'zod';
import { addCampaignVictims } from '../test/support/campaign-victims';
import { clientOf } from './bench-temporal';

const PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'playbooks',
  'okta-phishing-campaign.yaml',
);
const WINDOW_MS = 60_000;
/** The changes a containment makes per account, each counted once at the local Okta's change log. */
const CHANGES = ['revokeUserSessions', 'suspendUser', 'resetFactors'] as const;

export interface OktaCampaignResult {
  users: number;
  limitPerMinute: number;
  latencyMs: number;
  runStatus: string;
  seconds: number;
  requests: number;
  tooManyRequests: number;
  busiestOperation: { operation: string; requests: number };
  /** Requests per operation, at the local Okta. */
  perOperation: Record<string, number>;
  contained: number;
  changedTwice: number;
  recordMatchesChangeLog: boolean;
  limiter: OktaRateLimiter['stats'];
  bound: { minimalSeconds: number; ratioToMinimal: number; madeSeconds: number; ratioToMade: number };
}

/** The time `requests` calls of one operation take at `limit` a window, the rate limit alone. */
function boundSeconds(requests: number, limit: number): number {
  return (requests / limit) * (WINDOW_MS / 1000);
}

const changeOutput = z.object({ changed: z.boolean().nullable(), userId: z.string() });

/** The users a step's items record as changed: what the run says it did to Okta. */
function recorded(state: RunState, stepId: string): string[] {
  return (state.steps.find((step) => step.id === stepId)?.items ?? []).flatMap((item) => {
    const output = changeOutput.safeParse(item.output);
    return item.status === 'succeeded' && output.success && output.data.changed === true ? [output.data.userId] : [];
  });
}

export async function oktaCampaignBenchmark(argv: string[]): Promise<OktaCampaignResult> {
  const { values } = parseArgs({
    args: argv,
    options: { users: { type: 'string' }, limit: { type: 'string' }, 'latency-ms': { type: 'string' } },
  });
  const users = Number(values.users ?? 200);
  const limit = Number(values.limit ?? 600);
  const latencyMs = Number(values['latency-ms'] ?? 50);
  const server = await startScratchServer();
  const okta = await startOktaStandIn();
  const limiter = new OktaRateLimiter();
  const client = createOktaClient(
    oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } }),
    limiter,
  );
  const taskQueue = 'bench-okta-campaign';
  const responder = simulatedResponder();
  const worker = await createCordonWorker({
    connection: { address: server.address },
    namespace: server.namespace,
    taskQueue,
    activities: assembleActivities({
      clients: { okta: client },
      directory: createStaticDirectory({
        'secops-oncall': [SIMULATED_RESPONDER],
        'secops-leads': [SIMULATED_RESPONDER],
      }),
      notifier: createLogNotifier(() => {}),
      verifyDecision: responder.verifyDecision,
    }),
  });
  const running = worker.run();
  const temporal = await clientOf(server);
  try {
    okta.addZone({ name: 'BlockedIpZone', system: true, gateways: [] });
    const victims = addCampaignVictims(okta, users, (index) => `10.66.${Math.floor(index / 250)}.${index % 250}`);
    okta.faults.inject('*', { kind: 'delay', ms: latencyMs }, Number.MAX_SAFE_INTEGER);
    okta.rateLimits.set('*', { limit, windowMs: WINDOW_MS });

    const source = await readFile(PLAYBOOK, 'utf8');
    const plan = compilePlaybookSource(source, PLAYBOOK, builtinRegistry);
    const started = performance.now();
    const { handle, workflowId } = await startRun(temporal, {
      plan,
      inputs: { attackerNetworks: ['10.66.0.0/16'] },
      requester: 'bench',
      trigger: { kind: 'api' },
      taskQueue,
    });
    // Both gates approved the moment they ask: the figure is the containment's, not a responder's.
    const approved = new Set<string>();
    let state = await handle.query(statusQuery);
    while (!state.endedAt) {
      for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
        if (approved.has(approval.stepId)) continue;
        approved.add(approval.stepId);
        await responder.approve(temporal, workflowId, approval);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await handle.query(statusQuery);
    }
    const seconds = (performance.now() - started) / 1000;

    const perOperation: Record<string, number> = {};
    for (const request of okta.requests) perOperation[request.operation] = (perOperation[request.operation] ?? 0) + 1;
    const [busiest = 'none', busiestCount = 0] = Object.entries(perOperation).sort((a, b) => b[1] - a[1])[0] ?? [];
    const contained = victims.filter(
      (victim) =>
        okta.user(victim.id)?.status === 'SUSPENDED' &&
        okta.state.sessionsOf(victim.id).length === 0 &&
        okta.state.factorsOf(victim.id).length === 0,
    ).length;
    const changedTwice = CHANGES.reduce(
      (sum, kind) => sum + victims.filter((victim) => okta.changesOf(kind, victim.id).length > 1).length,
      0,
    );
    const sameSet = (a: string[], b: string[]) =>
      a.length === b.length && [...a].sort().join() === [...b].sort().join();
    const recordMatchesChangeLog =
      sameSet(
        recorded(state, 'suspend'),
        okta.changesOf('suspendUser').map((change) => change.target),
      ) &&
      sameSet(
        recorded(state, 'factors'),
        okta.changesOf('resetFactors').map((change) => change.target),
      );
    // Minimal: each account read once and changed once per kind, so `users` requests of the busiest operation.
    const minimalSeconds = boundSeconds(users, limit);
    const answered: Record<string, number> = {};
    for (const request of okta.requests.filter((candidate) => candidate.status !== 429)) {
      answered[request.operation] = (answered[request.operation] ?? 0) + 1;
    }
    const madeSeconds = boundSeconds(Math.max(0, ...Object.values(answered)), limit);
    return {
      users,
      limitPerMinute: limit,
      latencyMs,
      runStatus: state.status,
      seconds,
      requests: okta.requests.length,
      tooManyRequests: okta.requests.filter((request) => request.status === 429).length,
      busiestOperation: { operation: busiest, requests: busiestCount },
      perOperation,
      contained,
      changedTwice,
      recordMatchesChangeLog,
      limiter: { ...limiter.stats },
      bound: {
        minimalSeconds,
        ratioToMinimal: seconds / minimalSeconds,
        madeSeconds,
        ratioToMade: seconds / madeSeconds,
      },
    };
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await okta.close();
    await server.stop();
  }
}

export function printOktaCampaign(result: OktaCampaignResult): void {
  const ratio = (value: number) => `${value.toFixed(2)}x`;
  console.log(
    `\nokta-phishing-campaign: ${result.users} accounts, local Okta at ${result.limitPerMinute} requests a minute per operation, ${result.latencyMs} ms a request`,
  );
  console.log(`  run                ${result.runStatus} in ${result.seconds.toFixed(1)} s`);
  console.log(`  contained          ${result.contained} of ${result.users} (suspended, no sessions, no factors)`);
  console.log(
    `  changed twice      ${result.changedTwice}; record equals change log: ${result.recordMatchesChangeLog}`,
  );
  console.log(
    `  requests           ${result.requests} at the local Okta (${(result.requests / result.users).toFixed(1)} an account), ${result.tooManyRequests} answered 429`,
  );
  console.log(
    `  busiest operation  ${result.busiestOperation.operation}: ${result.busiestOperation.requests} requests`,
  );
  console.log(
    `  limiter            ${result.limiter.sent} sent, ${result.limiter.limited} 429s waited out, ${(result.limiter.waitedMs / 1000).toFixed(0)} s of waits (summed over requests)`,
  );
  console.log(
    `  bound, minimal     ${result.bound.minimalSeconds.toFixed(0)} s (${result.users} requests of each operation ÷ ${result.limitPerMinute}/min): ratio ${ratio(result.bound.ratioToMinimal)}`,
  );
  console.log(
    `  bound, as made     ${result.bound.madeSeconds.toFixed(0)} s (the busiest operation's answered requests ÷ ${result.limitPerMinute}/min): ratio ${ratio(result.bound.ratioToMade)}`,
  );
}
