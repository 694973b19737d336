/**
 * Builds a Temporal worker for cordon's workflows and a given set of activities. Used by `worker.ts`, `cordon up`,
 * the demo and the tests, so all of them run the same workflow code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type NativeConnectionOptions } from '@temporalio/worker';
import type { ActivityFunction } from '../activities';

export const WORKFLOWS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

export interface WorkflowBundle {
  code: string;
}

let bundled: Promise<WorkflowBundle> | undefined;

/** Bundles the workflow code once per process (it takes seconds). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundled ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundled;
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface CordonWorkerOptions {
  connection: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
  activities: Record<string, ActivityFunction>;
  /** A prebuilt bundle (tests share one); bundled on first use otherwise. */
  bundle?: WorkflowBundle;
  /** Identity shown in the workflow history. */
  identity?: string;
}

export interface CordonWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Runs until `shutdown()` is called. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createCordonWorker(options: CordonWorkerOptions): Promise<CordonWorker> {
  const connection = await NativeConnection.connect(options.connection);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.bundle ?? (await workflowBundle()),
    activities: options.activities,
    ...(options.identity ? { identity: options.identity } : {}),
  });
  let running: Promise<void> | undefined;
  return {
    worker,
    connection,
    run: () => {
      running ??= worker.run().finally(() => connection.close());
      return running;
    },
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
