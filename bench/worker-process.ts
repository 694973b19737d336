/**
 * A benchmark's cordon worker in a child process (`worker-process-main.ts`), so that B4 measures the worker's own
 * resident memory rather than that of the process that also holds the client and the local Okta. The child is told
 * where Temporal and the local Okta are and whom to trust for decisions; it reports approvals requested, runs finished
 * and how many runs it keeps cached, and the parent samples its RSS from /proc.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-process-main.ts');

/** The variable that carries the child's settings (JSON). */
export const WORKER_PROCESS_ENV = 'CORDON_BENCH_WORKER';

const messageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({
    kind: z.literal('cached'),
    runs: z.number(),
    /** The main thread's V8 heap in use and reserved, and memory outside it (buffers, the native core's). */
    heapUsed: z.number(),
    heapTotal: z.number(),
    external: z.number(),
  }),
  z.object({
    kind: z.literal('approval_requested'),
    workflowId: z.string(),
    approval: z.object({ stepId: z.string(), inputsHash: z.string() }),
  }),
  z.object({ kind: z.literal('run_finished'), workflowId: z.string(), status: z.string() }),
]);

export type WorkerProcessMessage = z.infer<typeof messageSchema>;

export interface WorkerProcessSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  oktaUrl: string;
  oktaToken: string;
  responderPublicKey: string;
  groups: Record<string, string[]>;
  maxCachedWorkflows?: number;
  /** A prebuilt workflow bundle to load (the tests'); the worker's own otherwise. */
  bundlePath?: string;
}

export interface WorkerProcess {
  pid: number;
  /** The child's resident memory now, in bytes (VmRSS; 0 once it has exited). */
  rss(): number;
  /** Why the child exited on its own after it was ready (a crash, or out of memory under a heap cap), if it did. */
  failure(): Error | undefined;
  /** Closes the child's stdin, which shuts the worker down, and waits for it to exit. */
  stop(): Promise<void>;
}

/** Reads a Linux process's resident set size; 0 when the process is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Starts the child and resolves once its worker polls; `onMessage` hears every later report. */
export function startWorkerProcess(
  settings: WorkerProcessSettings,
  onMessage: (message: WorkerProcessMessage) => void,
  /** Node's own flags for the child (e.g. `--max-old-space-size=256`), to see what they do to its memory. */
  nodeFlags: readonly string[] = [],
  timeoutMs = 180_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, [WORKER_PROCESS_ENV]: JSON.stringify(settings) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const pid = child.pid ?? -1;
  let stopping = false;
  let failure: Error | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) failure = new Error(`the benchmark worker (pid ${pid}) exited (${code ?? signal}):\n${stderr}`);
      resolve();
    }),
  );
  const handle: WorkerProcess = {
    pid,
    rss: () => residentBytes(pid),
    failure: () => failure,
    stop: async () => {
      stopping = true;
      child.stdin.end();
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the benchmark worker (pid ${pid}) was not ready within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(failure ?? new Error(`the benchmark worker (pid ${pid}) stopped before it was ready:\n${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = messageSchema.parse(JSON.parse(line));
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(handle);
      } else onMessage(message);
    });
  });
}
