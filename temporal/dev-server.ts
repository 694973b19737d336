/**
 * Starts the Temporal CLI dev server on 127.0.0.1 and stops it cleanly. Persistent (a SQLite file) for `cordon up`,
 * in memory for tests. We spawn it ourselves rather than use `@temporalio/testing`'s helper, which waits only 5 s and
 * kills with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs, ensureSearchAttributes } from './search-attributes';

/** Thrown when the dev server exits early or does not answer in time; carries the tail of its output. */
export class DevServerError extends Error {
  override readonly name = 'DevServerError';
}

export interface DevServerOptions {
  cliPath: string;
  /** A SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
  /** Front-end gRPC port; a free one when omitted. */
  port?: number;
  /** Serve the Web UI (on `uiPort`, or a free port). */
  ui?: boolean;
  uiPort?: number;
  namespace?: string;
  /** How long to wait for the server to answer. @default 60_000 */
  startTimeoutMs?: number;
  /** Let runs opt in to time skipping (`cordon test` waits out a 30-minute gate timeout in milliseconds). */
  timeSkipping?: boolean;
}

export interface DevServer {
  /** host:port of the front end. */
  address: string;
  namespace: string;
  uiUrl?: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills the server with SIGKILL (no shutdown, as a lost host) and waits for it to exit. */
  kill(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function waitUntilServing(address: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new DevServerError(`the Temporal dev server exited with code ${child.exitCode}:\n${output()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return connection;
      } catch (error) {
        await connection.close();
        throw error;
      }
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  throw new DevServerError(
    `the Temporal dev server did not answer on ${address} within ${timeoutMs} ms (${String(lastError)}):\n${output()}`,
  );
}

/** Spawns `temporal server start-dev` and resolves once it answers `getSystemInfo`. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    // The dev server otherwise asks an outside service for its latest version.
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    // Eager activity dispatch (off by default on the server): an activity scheduled by a workflow task goes back to the
    // worker in the task's completion, not through a matching round trip; a containment step starts sooner.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...devServerSearchAttributeArgs(),
    ...(options.timeSkipping ? ['--dynamic-config-value', 'frontend.WorkflowTimeSkippingEnabled=true'] : []),
  ];
  let uiUrl: string | undefined;
  if (options.ui) {
    const uiPort = options.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  if (options.dbFile) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new DevServerError(`cannot start ${options.cliPath}: ${error.message}`)));
  });
  await spawned;

  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  };
  try {
    const connection = await waitUntilServing(address, child, () => output, options.startTimeoutMs ?? 60_000);
    try {
      // An existing database keeps the namespace it was created with; make sure our search attributes are there.
      await ensureSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, namespace, uiUrl, stop, kill };
}
