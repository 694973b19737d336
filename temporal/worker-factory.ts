/**
 * Builds a Temporal worker for cordon's workflows and a given set of activities. Used by `worker.ts`, `cordon up`,
 * the demo and the tests, so all of them run the same workflow code.
 */
import path from 'node:path';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type InjectedSinks,
  type NativeConnectionOptions,
  type WorkerOptions,
} from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import type { DataConverter } from '@temporalio/common';
import type { ActivityFunction } from '../activities';
import { packageRoot } from './package-root';
import { prebuiltBundle, savePrebuiltBundle, workflowSources } from './workflow-bundle';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from './workflow-cache';

export const ROOT = packageRoot(import.meta.url);
export const WORKFLOWS_PATH = path.join(ROOT, 'workflows', 'index.ts');

export interface WorkflowBundle {
  code: string;
}

let bundled: Promise<WorkflowBundle> | undefined;

/**
 * The workflow code for a worker or a replay, once per process: the bundle `npm install` built ahead of time when the
 * workflow sources are unchanged since, else a fresh one (seconds), which is then kept for the next start.
 */
export function workflowBundle(log: (line: string) => void = (line) => console.error(line)): Promise<WorkflowBundle> {
  bundled ??= prebuiltOrFreshBundle(log);
  return bundled;
}

async function prebuiltOrFreshBundle(log: (line: string) => void): Promise<WorkflowBundle> {
  const prebuilt = await prebuiltBundle(ROOT);
  if (prebuilt.kind === 'fresh') return { code: prebuilt.code };
  log(`cordon: ${prebuilt.reason}; bundling the workflow code now (about 10 s), and keeping it for the next start.`);
  const [bundle, sources] = await Promise.all([bundleWorkflows(), workflowSources(ROOT, WORKFLOWS_PATH)]);
  // Keeping it is a convenience: a read-only checkout still runs, it only bundles again next time.
  await savePrebuiltBundle(ROOT, bundle.code, sources).catch((error: unknown) =>
    log(`cordon: could not keep the workflow bundle (${String(error)}).`),
  );
  return bundle;
}

/**
 * Modules evaluated once per worker and shared by every workflow, instead of once per workflow: the worker reuses one
 * V8 context, but evaluates each workflow's modules afresh, and building the action catalogue's zod schemas and the
 * CEL library cost about 100 ms of CPU per workflow (most of a run's first workflow task; issue 11's profile). Only
 * modules without per-workflow state belong here: the catalogue is immutable data, the libraries are pure, the
 * expressions module's only state is its cache of parsed CEL (so each expression is parsed once per worker, not once
 * per run and again at every replay of an evicted run), and the others are constants and pure functions.
 */
export const PRELOADED_WORKFLOW_MODULES = [
  path.join(ROOT, 'activities', 'catalogue.ts'),
  path.join(ROOT, 'activities', 'errors.ts'),
  path.join(ROOT, 'dsl', 'expressions.ts'),
  path.join(ROOT, 'dsl', 'canonical-json.ts'),
  path.join(ROOT, 'dsl', 'duration.ts'),
  path.join(ROOT, 'metrics', 'catalogue.ts'),
  '@marcbachmann/cel-js',
  '@noble/hashes/sha2.js',
  '@noble/hashes/utils.js',
] as const;

/**
 * The workflow interceptors for traces (`workflows/trace-context.ts`), in every bundle whether or not this worker
 * traces: a prebuilt bundle cannot gain them at start. A run started since the patch `trace-context-only` carries its
 * start's trace context to what it schedules; older runs keep OpenTelemetry's workflow spans, which they replay with.
 */
export const WORKFLOW_TRACE_INTERCEPTORS = path.join(ROOT, 'workflows', 'trace-context.ts');

/**
 * Where the bundled interceptors send the workflows' spans when this worker does not trace: nowhere. The sink must
 * exist all the same, or the worker logs an error for every workflow task.
 */
export const DROPPED_WORKFLOW_SPANS: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> = {
  exporter: { export: { fn: () => undefined, callDuringReplay: false } },
};

/** Bundles the workflow code from its sources, always (the build script and the tests, which want today's code). */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    preloadModules: [...PRELOADED_WORKFLOW_MODULES],
    workflowInterceptorModules: [WORKFLOW_TRACE_INTERCEPTORS],
  });
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
  /** The payload codec; the clients that start and read runs must use the same. */
  dataConverter?: DataConverter | undefined;
  /**
   * Runs kept in memory between their workflow tasks; the others are replayed when their next task comes.
   * @default DEFAULT_MAX_CACHED_WORKFLOWS (100)
   */
  maxCachedWorkflows?: number;
  /** Traces (`tracing/worker-tracing.ts`): activity interceptors and the sink of the workflows' spans. */
  tracing?: Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>>;
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
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    sinks: { ...DROPPED_WORKFLOW_SPANS, ...options.tracing?.sinks },
    ...(options.tracing ? { interceptors: options.tracing.interceptors } : {}),
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
