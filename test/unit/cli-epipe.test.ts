/** `cordon … | head -1`: a reader that stops early must not make cordon die with an EPIPE stack trace. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the cordon command', () => {
  it('ends quietly when whoever reads its output stops reading', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('cli/main.ts'), 'actions'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Like `head -1` exiting before cordon writes: the read end of its stdout is closed.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);
});
