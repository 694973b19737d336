/**
 * cordon's own worker (built as `worker.ts` builds it, see `standby-worker.ts`) in a child process, configured only
 * through its environment, so the campaign can SIGKILL it at any moment and start another. The environment is built
 * from nothing but what the worker needs: the parent's own CORDON_* or OKTA_* variables never leak into it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STANDBY = path.join(ROOT, 'test', 'faults', 'standby-worker.ts');

export interface WorkerChildOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  oktaUrl: string;
  oktaToken: string;
  /** The people directory file (YAML) the worker verifies decisions with. */
  directoryFile: string;
  /** Where the worker may keep data (nothing of the campaign's state lives there). */
  dataDir: string;
  /** Longest wait for one Okta request. */
  oktaRequestTimeoutMs?: number;
  /** The governor's limits (CORDON_LIMITS), e.g. `okta.suspend_user=off`. */
  limits?: string;
  /** More variables, set as given (the local Slack's SLACK_* for a world that posts to it). */
  extraEnv?: Readonly<Record<string, string>>;
}

/** Thrown when a worker child exits before it is ready; carries what it printed. */
export class WorkerChildError extends Error {
  override readonly name = 'WorkerChildError';
}

export interface WorkerChild {
  pid: number;
  /** Kills the process with SIGKILL (no graceful shutdown, as a lost host) and waits for it to be gone. */
  kill(): Promise<void>;
  exited: boolean;
}

function childEnv(options: WorkerChildOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace,
    CORDON_TASK_QUEUE: options.taskQueue,
    CORDON_DATA_DIR: options.dataDir,
    CORDON_LOG_LEVEL: 'ERROR',
    CORDON_DIRECTORY: options.directoryFile,
    OKTA_ORG_URL: options.oktaUrl,
    OKTA_API_TOKEN: options.oktaToken,
    ...(options.oktaRequestTimeoutMs ? { OKTA_REQUEST_TIMEOUT_MS: String(options.oktaRequestTimeoutMs) } : {}),
    ...(options.limits ? { CORDON_LIMITS: options.limits } : {}),
    ...options.extraEnv,
  };
}

/** A loaded worker process that has not connected yet. */
export interface StandbyWorker {
  /** Connects and starts polling; resolves once the worker is created. */
  activate(timeoutMs?: number): Promise<WorkerChild>;
  /** Ends the standby unused. */
  discard(): Promise<void>;
}

/** Spawns a worker process and waits until it has loaded (not yet connected). */
export function spawnStandbyWorker(options: WorkerChildOptions, timeoutMs = 120_000): Promise<StandbyWorker> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', STANDBY], {
    cwd: ROOT,
    env: childEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const kill = async () => {
    if (!exited) child.kill('SIGKILL');
    await gone;
  };
  const running: WorkerChild = {
    pid: child.pid ?? -1,
    get exited() {
      return exited;
    },
    kill,
  };
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const printed = (text: string, within: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!output.includes(text)) return;
        stop();
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) => {
        stop();
        reject(new WorkerChildError(`worker ${child.pid} exited (${code ?? signal}) before it ${what}:\n${output}`));
      };
      const timer = setTimeout(() => {
        stop();
        void kill();
        reject(new WorkerChildError(`worker ${child.pid} did not ${what} within ${within} ms:\n${output}`));
      }, within);
      const stop = () => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.off('exit', onExit);
      };
      child.stdout?.on('data', check);
      child.once('exit', onExit);
      check();
    });
  return printed('loaded\n', timeoutMs, 'loaded').then(() => ({
    activate: async (activateTimeoutMs = 180_000) => {
      child.stdin?.write('start\n');
      // Printed once the worker is created (connected, workflow bundle loaded), just before it polls.
      await printed('cordon worker:', activateTimeoutMs, 'started');
      return running;
    },
    discard: kill,
  }));
}
