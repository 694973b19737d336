/**
 * A worker in its own process, so a test can kill it with SIGKILL mid-run (no graceful shutdown) and start another.
 * Configured by environment: TEST_TEMPORAL_ADDRESS, TEST_NAMESPACE, TEST_TASK_QUEUE, TEST_BUNDLE, TEST_LEDGER, and with
 * TEST_GOVERNOR=on the governor's variables (CORDON_LIMITS, …).
 */
import { readFile } from 'node:fs/promises';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createLogNotifier } from '../../activities/notify/log-notifier';
import { createStaticDirectory } from '../../activities/notify/static-directory';
import { builtinRegistry } from '../../activities/registry';
import { createCordonWorker } from '../../temporal/worker-factory';
import { createTestHandlers, testActions } from './test-actions';
import { assembleActivities } from '../../activities/assemble';
import { governorConfigFromEnv } from '../../config/governor';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const activities = assembleActivities({
  registry: builtinRegistry.with(testActions),
  handlers: asHandlerMap(createTestHandlers(required('TEST_LEDGER'))),
  directory: createStaticDirectory({}),
  notifier: createLogNotifier(() => {}),
  ...(process.env.TEST_GOVERNOR === 'on' ? { governor: governorConfigFromEnv(process.env) } : {}),
});
const worker = await createCordonWorker({
  connection: { address: required('TEST_TEMPORAL_ADDRESS') },
  namespace: required('TEST_NAMESPACE'),
  taskQueue: required('TEST_TASK_QUEUE'),
  activities,
  bundle: { code: await readFile(required('TEST_BUNDLE'), 'utf8') },
  identity: `crash-test-worker-${process.pid}`,
});
process.stdout.write('worker ready\n');
await worker.run();
