import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCacheFolder, findOrInstallTemporalCli, TemporalCliUnavailableError } from '../../temporal/cli';

async function fakeBinary(dir: string): Promise<string> {
  const file = path.join(dir, 'temporal');
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  it('takes an explicit path first, and says so when it is not executable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cli-'));
    const binary = await fakeBinary(dir);
    expect(await findOrInstallTemporalCli({ cliPath: binary, cacheDir: dir })).toBe(binary);
    await expect(findOrInstallTemporalCli({ cliPath: path.join(dir, 'nope'), cacheDir: dir })).rejects.toThrow(
      TemporalCliUnavailableError,
    );
  });

  it('then a temporal on PATH, then the cached build', async () => {
    const onPath = await mkdtemp(path.join(os.tmpdir(), 'path-'));
    const cache = await mkdtemp(path.join(os.tmpdir(), 'cache-'));
    const fromPath = await fakeBinary(onPath);
    expect(await findOrInstallTemporalCli({ cacheDir: cache, searchPath: onPath })).toBe(fromPath);
    await mkdir(cliCacheFolder(cache), { recursive: true });
    const cached = await fakeBinary(cliCacheFolder(cache));
    expect(await findOrInstallTemporalCli({ cacheDir: cache, searchPath: '' })).toBe(cached);
  });
});
