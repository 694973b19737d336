/**
 * cordon's own built entry points (`dist/worker.js`, `bin/cordon.js serve`) in child processes, configured only
 * through their environment, as a deployment runs them. The environment is built from nothing but what is given: the
 * parent's own CORDON_* or OKTA_* variables never leak in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Thrown when a child exits, or stays silent, before it says it is ready; carries what it printed. */
export class CordonProcessError extends Error {
  override readonly name = 'CordonProcessError';
}

export interface CordonProcess {
  name: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGKILL (a lost host, no graceful shutdown), then waits until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then waits until it is gone. */
  stop(): Promise<void>;
}

/**
 * Starts `node <args>` in the repository with exactly `env` (plus PATH and HOME), and waits until its output matches
 * `ready` (what it printed is returned with the match).
 */
export function startCordonProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 90_000,
): Promise<{ process: CordonProcess; match: RegExpMatchArray }> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const end = async (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
    await gone;
  };
  const handle: CordonProcess = {
    name,
    pid: child.pid ?? -1,
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void end('SIGKILL');
      reject(new CordonProcessError(`${name} was not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ process: handle, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new CordonProcessError(`${name} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}
