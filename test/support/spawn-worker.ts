/** Starts `test/support/worker-process.ts` in a child process (so a test can SIGKILL it) and waits until it is ready. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Harness } from './harness';

export function spawnWorkerProcess(
  harness: Harness,
  taskQueue: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/worker-process.ts')], {
    env: {
      ...process.env,
      TEST_TEMPORAL_ADDRESS: harness.address,
      TEST_NAMESPACE: harness.namespace,
      TEST_TASK_QUEUE: taskQueue,
      TEST_BUNDLE: harness.bundlePath,
      TEST_LEDGER: harness.ledgerFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}:\n${output}`)));
  });
}
