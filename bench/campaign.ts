/**
 * Benchmark: containing a campaign's worth of users. One run contains N users with a `forEach` step whose action
 * takes a fixed time (standing in for an identity provider's latency), at concurrency 1 and at concurrency C, on a
 * real embedded Temporal dev server. Prints a table and writes bench/results/campaign.json.
 *
 *   npm run bench -- campaign [--users 10,100,300] [--latency-ms 100] [--concurrency 25]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { defineAction } from '../activities/action';
import { asHandlerMap } from '../activities/builtin-handlers';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { builtinRegistry } from '../activities/registry';
import { compilePlaybook, loadPlaybookSource } from '../dsl';
import { startRun } from '../runs/start-run';
import { startScratchServer } from '../temporal/scratch-server';
import { createCordonWorker } from '../temporal/worker-factory';
import { assembleActivities } from '../activities/assemble';
import { clientOf } from './bench-temporal';

const contain = defineAction({
  name: 'bench.contain',
  description: 'Stands in for one containment call with a fixed latency.',
  impact: 'reversible',
  input: z.object({ user: z.string(), latencyMs: z.number() }),
  output: z.object({ user: z.string() }),
});

const playbook = (concurrency: number) => `
id: bench-campaign
title: Contain every user of a campaign
inputs:
  users: { type: list, of: email }
  latencyMs: { type: number }
steps:
  - id: contain
    action: bench.contain
    forEach: "\${{ inputs.users }}"
    concurrency: ${concurrency}
    retry: { maximumAttempts: 1 }
    with: { user: "\${{ item }}", latencyMs: "\${{ inputs.latencyMs }}" }
`;

export interface CampaignRow {
  users: number;
  concurrency: number;
  seconds: number;
  usersPerSecond: number;
  historyEvents: number;
}

export async function campaignBenchmark(argv: string[]): Promise<CampaignRow[]> {
  const { values } = parseArgs({
    args: argv,
    options: { users: { type: 'string' }, 'latency-ms': { type: 'string' }, concurrency: { type: 'string' } },
  });
  const sizes = (values.users ?? '10,100,300').split(',').map(Number);
  const latencyMs = Number(values['latency-ms'] ?? 100);
  const concurrency = Number(values.concurrency ?? 25);
  const server = await startScratchServer();
  const registry = builtinRegistry.with([contain]);
  const handlers = asHandlerMap({
    'bench.contain': async ({ user, latencyMs: wait }: { user: string; latencyMs: number }) => {
      await sleep(wait);
      return { user };
    },
  });
  const taskQueue = 'bench-campaign';
  const worker = await createCordonWorker({
    connection: { address: server.address },
    namespace: server.namespace,
    taskQueue,
    activities: assembleActivities({
      registry,
      handlers,
      directory: createStaticDirectory({}),
      notifier: createLogNotifier(() => {}),
    }),
  });
  const running = worker.run();
  const client = await clientOf(server);
  const rows: CampaignRow[] = [];
  try {
    for (const users of sizes) {
      for (const lanes of [1, concurrency]) {
        const source = playbook(lanes);
        const plan = compilePlaybook(
          loadPlaybookSource(source, 'bench.yaml', registry),
          source,
          registry,
          'bench.yaml',
        );
        const list = Array.from({ length: users }, (_, index) => `user${index}-${lanes}@corp.example`);
        const started = performance.now();
        const { handle } = await startRun(client, {
          plan,
          inputs: { users: list, latencyMs },
          requester: 'bench',
          trigger: { kind: 'api' },
          taskQueue,
        });
        await handle.result();
        const seconds = (performance.now() - started) / 1000;
        const history = await handle.fetchHistory();
        rows.push({
          users,
          concurrency: lanes,
          seconds,
          usersPerSecond: users / seconds,
          historyEvents: history.events?.length ?? 0,
        });
      }
    }
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await server.stop();
  }
  return rows;
}

export function printCampaign(rows: CampaignRow[], latencyMs: number): void {
  console.log(`\ncampaign containment (${latencyMs} ms per call), sequential vs concurrent`);
  console.log('users  concurrency  seconds  users/s  history events  speed-up vs concurrency 1');
  for (const row of rows) {
    const base = rows.find((candidate) => candidate.users === row.users && candidate.concurrency === 1);
    const ratio = base ? (base.seconds / row.seconds).toFixed(1) : '';
    console.log(
      `${String(row.users).padStart(5)}  ${String(row.concurrency).padStart(11)}  ${row.seconds.toFixed(2).padStart(7)}  ${row.usersPerSecond.toFixed(1).padStart(7)}  ${String(row.historyEvents).padStart(14)}  ${ratio.padStart(6)}x`,
    );
  }
}

export async function writeResults(name: string, data: unknown): Promise<string> {
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/${name}.json`;
  await writeFile(file, `${JSON.stringify({ at: new Date().toISOString(), data }, null, 2)}\n`);
  return file;
}
