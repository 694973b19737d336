/**
 * Benchmark B5 (issue 11): a linear playbook of N steps (200 by default), each reading the previous step's output,
 * against the hand-written Temporal workflow with N activities one after another (`bench/linear-workflow.ts`), on the
 * same server, each with a worker of its own in this process, alternating, several rounds. The action does nothing but
 * wait `holdMs` (0 by default), so the figures are the interpreter's cost over plain Temporal.
 *
 *   npm run bench -- linear [--steps 200] [--rounds 5] [--hold-ms 0]
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { defineAction } from '../activities/action';
import { assembleActivities } from '../activities/assemble';
import { asHandlerMap } from '../activities/builtin-handlers';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { builtinRegistry } from '../activities/registry';
import { compilePlaybook, loadPlaybookSource } from '../dsl';
import { startRun } from '../runs/start-run';
import { createCordonWorker, workflowBundle, type WorkflowBundle } from '../temporal/worker-factory';
import { median, withTemporal, type TemporalTarget } from './bench-temporal';
import { historyTimeline } from './history-timeline';
import type { LinearStepInput, linearSteps } from './linear-workflow';

const HAND_WRITTEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'linear-workflow.ts');
const SIDES = ['hand-written', 'cordon'] as const;
type Side = (typeof SIDES)[number];

const linearStep = defineAction({
  name: 'bench.linear_step',
  description: 'One step of a linear benchmark playbook: waits holdMs and returns its index.',
  impact: 'read',
  input: z.object({ index: z.number().int(), previous: z.number().int(), holdMs: z.number().int().min(0) }),
  output: z.object({ index: z.number().int() }),
});

/** The one handler both sides run. */
async function step({ index, holdMs }: LinearStepInput): Promise<{ index: number }> {
  if (holdMs > 0) await sleep(holdMs);
  return { index };
}

function playbook(steps: number): string {
  const lines = [
    'id: bench-linear',
    'title: A linear playbook, each step reading the one before',
    'inputs:',
    '  holdMs: { type: number }',
    'steps:',
  ];
  for (let index = 0; index < steps; index += 1) {
    lines.push(`  - id: s${index}`, '    action: bench.linear_step');
    if (index > 0) lines.push(`    needs: [s${index - 1}]`);
    const previous = index > 0 ? `"\${{ steps.s${index - 1}.output.index }}"` : '-1';
    lines.push(`    with: { index: ${index}, previous: ${previous}, holdMs: "\${{ inputs.holdMs }}" }`);
  }
  return `${lines.join('\n')}\n`;
}

export interface LinearOptions {
  steps: number;
  rounds: number;
  holdMs: number;
  /** A running Temporal server (the tests'); a dev server is started otherwise. */
  temporal?: TemporalTarget;
  bundle?: WorkflowBundle;
}

export function parseLinearArgs(argv: string[]): LinearOptions {
  const { values } = parseArgs({
    args: argv,
    options: { steps: { type: 'string' }, rounds: { type: 'string' }, 'hold-ms': { type: 'string' } },
  });
  return {
    steps: Number(values.steps ?? 200),
    rounds: Number(values.rounds ?? 5),
    holdMs: Number(values['hold-ms'] ?? 0),
  };
}

export interface LinearSample {
  side: Side;
  round: number;
  ms: number;
  historyEvents: number;
  workflowTasks: number;
}

export interface LinearResult {
  steps: number;
  rounds: number;
  holdMs: number;
  sides: Record<Side, { medianMs: number; minMs: number; maxMs: number; historyEvents: number; workflowTasks: number }>;
  /** cordon's median ÷ the hand-written workflow's. */
  ratio: number;
  samples: LinearSample[];
}

export async function linearStepsBenchmark(options: LinearOptions): Promise<LinearResult> {
  const cordonBundle = options.bundle ?? (await workflowBundle());
  const handWrittenBundle = await bundleWorkflowCode({
    workflowsPath: HAND_WRITTEN,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message) => console.error(message) },
  });
  return withTemporal(options.temporal, async (target) => {
    const tag = `${process.pid}-${Date.now()}`;
    const registry = builtinRegistry.with([linearStep]);
    const source = playbook(options.steps);
    const plan = compilePlaybook(loadPlaybookSource(source, 'bench-linear.yaml', registry), source, registry);
    const cordonQueue = `bench-linear-cordon-${tag}`;
    const cordonWorker = await createCordonWorker({
      connection: { address: target.address },
      namespace: target.namespace,
      taskQueue: cordonQueue,
      bundle: cordonBundle,
      activities: assembleActivities({
        registry,
        handlers: asHandlerMap({ 'bench.linear_step': step }),
        directory: createStaticDirectory({}),
        notifier: createLogNotifier(() => {}),
      }),
    });
    const handQueue = `bench-linear-hand-${tag}`;
    const handConnection = await NativeConnection.connect({ address: target.address });
    const handWorker = await Worker.create({
      connection: handConnection,
      namespace: target.namespace,
      taskQueue: handQueue,
      workflowBundle: handWrittenBundle,
      activities: { linearStep: step },
    });
    const running = [cordonWorker.run(), handWorker.run()];
    const connection = await Connection.connect({ address: target.address });
    const client = new Client({ connection, namespace: target.namespace });

    const sides: Record<Side, (round: number) => Promise<string>> = {
      'hand-written': async (round) => {
        const workflowId = `bench-linear-hand-${tag}-${round}`;
        const last = await client.workflow.execute<typeof linearSteps>('linearSteps', {
          taskQueue: handQueue,
          workflowId,
          args: [options.steps, options.holdMs],
        });
        if (last !== options.steps - 1) throw new Error(`B5: the hand-written workflow ended at step ${last}`);
        return workflowId;
      },
      cordon: async (round) => {
        const { handle, workflowId } = await startRun(client, {
          plan,
          inputs: { holdMs: options.holdMs },
          requester: `bench-${round}`,
          trigger: { kind: 'api' },
          taskQueue: cordonQueue,
          incidentId: `${tag}-${round}`,
        });
        const result = await handle.result();
        if (result.status !== 'succeeded') throw new Error(`B5: the cordon run ended ${result.status}`);
        return workflowId;
      },
    };

    const samples: LinearSample[] = [];
    try {
      for (let round = -1; round < options.rounds; round += 1) {
        // Alternating, each side first in turn; round -1 warms both up and is not counted.
        const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
        for (const side of order) {
          const started = performance.now();
          const workflowId = await sides[side](round);
          const ms = Math.round(performance.now() - started);
          if (round < 0) continue;
          const timeline = await historyTimeline(client.workflow.getHandle(workflowId));
          samples.push({ side, round, ms, historyEvents: timeline.rows.length, workflowTasks: timeline.workflowTasks });
        }
      }
    } finally {
      cordonWorker.worker.shutdown();
      handWorker.shutdown();
      await Promise.allSettled(running);
      // The hand-written worker's own connection: left open, it kept the process alive after the results were written.
      await handConnection.close();
      await connection.close();
    }
    const of = (side: Side) => samples.filter((sample) => sample.side === side);
    const summary = (side: Side) => {
      const times = of(side).map((sample) => sample.ms);
      return {
        medianMs: Math.round(median(times)),
        minMs: Math.min(...times),
        maxMs: Math.max(...times),
        historyEvents: Math.round(median(of(side).map((sample) => sample.historyEvents))),
        workflowTasks: Math.round(median(of(side).map((sample) => sample.workflowTasks))),
      };
    };
    const sidesSummary = { 'hand-written': summary('hand-written'), cordon: summary('cordon') };
    return {
      steps: options.steps,
      rounds: options.rounds,
      holdMs: options.holdMs,
      sides: sidesSummary,
      ratio: sidesSummary.cordon.medianMs / sidesSummary['hand-written'].medianMs,
      samples,
    };
  });
}

export function printLinearSteps(result: LinearResult): void {
  console.log(
    `\nB5: ${result.steps} steps one after another, ${result.holdMs} ms each, ${result.rounds} rounds alternating`,
  );
  console.log(
    `${'side'.padEnd(16)}${'median'.padStart(10)}${'min..max'.padStart(16)}${'history events'.padStart(16)}${'workflow tasks'.padStart(16)}`,
  );
  for (const side of SIDES) {
    const row = result.sides[side];
    console.log(
      `${side.padEnd(16)}${`${row.medianMs} ms`.padStart(10)}${`${row.minMs}..${row.maxMs}`.padStart(16)}${String(row.historyEvents).padStart(16)}${String(row.workflowTasks).padStart(16)}`,
    );
  }
  console.log(`cordon ÷ hand-written: ${result.ratio.toFixed(2)}x (target <= 1.2x)`);
}
