/**
 * A benchmark's cordon worker in a process of its own (see `worker-process.ts`), so its memory is measured apart from
 * the benchmark's client and local Okta. It builds the worker as the benchmarks do in process (`startOktaWorker`: the
 * real worker factory, activities and Okta SDK), verifies decisions of the simulated responder by its public key, and
 * tells the parent, one JSON line each on stdout: that it is ready, each approval request and finished run, and every
 * second how many runs it keeps in memory. It shuts down when its stdin closes.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Notifier } from '../activities/run-services';
import { simulatedResponderVerifier } from '../runs/simulated-responder';
import { workflowBundle } from '../temporal/worker-factory';
import { startOktaWorker } from './bench-okta';
import { WORKER_PROCESS_ENV, type WorkerProcessMessage } from './worker-process';

const settingsSchema = z.object({
  address: z.string(),
  namespace: z.string(),
  taskQueue: z.string(),
  oktaUrl: z.string(),
  oktaToken: z.string(),
  responderPublicKey: z.string(),
  groups: z.record(z.string(), z.array(z.string())),
  maxCachedWorkflows: z.number().int().positive().optional(),
  bundlePath: z.string().optional(),
});

const tell = (message: WorkerProcessMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);

const settings = settingsSchema.parse(JSON.parse(process.env[WORKER_PROCESS_ENV] ?? 'null'));
const notifier: Notifier = {
  notify: async (event, refs) => {
    if (event.kind === 'approval_requested')
      tell({
        kind: 'approval_requested',
        workflowId: event.state.workflowId,
        approval: { stepId: event.approval.stepId, inputsHash: event.approval.inputsHash },
      });
    if (event.kind === 'run_finished')
      tell({ kind: 'run_finished', workflowId: event.state.workflowId, status: event.state.status });
    return refs;
  },
};
const bundle = settings.bundlePath ? { code: await readFile(settings.bundlePath, 'utf8') } : await workflowBundle();
const worker = await startOktaWorker({
  target: { address: settings.address, namespace: settings.namespace },
  okta: { url: settings.oktaUrl, token: settings.oktaToken },
  taskQueue: settings.taskQueue,
  bundle,
  groups: settings.groups,
  verifyDecision: simulatedResponderVerifier(settings.responderPublicKey),
  notifier,
  ...(settings.maxCachedWorkflows ? { maxCachedWorkflows: settings.maxCachedWorkflows } : {}),
});
const status = setInterval(() => {
  const { heapUsed, heapTotal, external } = process.memoryUsage();
  tell({ kind: 'cached', runs: worker.worker.getStatus().numCachedWorkflows, heapUsed, heapTotal, external });
}, 1000);
tell({ kind: 'ready' });
process.stdin.resume();
process.stdin.once('end', () => {
  clearInterval(status);
  void worker.shutdown().then(() => process.exit(0));
});
