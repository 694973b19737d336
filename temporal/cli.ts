/**
 * Finds the Temporal CLI, building it once per machine when needed. In order: an explicit path
 * (`TEMPORAL_CLI_PATH`), a `temporal` on PATH, the cached build in the user's cache folder, a fresh
 * `go install` into that cache, and, on a machine with neither Go nor the CLI, the official release that
 * `@temporalio/testing` knows how to download.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Thrown when no Temporal CLI can be found or built; says what was tried. */
export class TemporalCliUnavailableError extends Error {
  override readonly name = 'TemporalCliUnavailableError';
}

export interface FindCliOptions {
  /** An explicit binary (TEMPORAL_CLI_PATH). */
  cliPath?: string;
  /** The user's cache folder for cordon, e.g. ~/.cache/cordon. */
  cacheDir: string;
  /** PATH to search. */
  searchPath?: string;
  /** Where progress lines go. */
  log?: (line: string) => void;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string, searchPath: string | undefined): Promise<string | undefined> {
  for (const dir of (searchPath ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The folder where this version's build is cached. */
export function cliCacheFolder(cacheDir: string): string {
  return path.join(cacheDir, 'temporal-cli', TEMPORAL_CLI_VERSION);
}

async function goInstall(target: string, log: (line: string) => void): Promise<string> {
  await mkdir(target, { recursive: true });
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (once per machine; a few minutes on two cores) into ${target} ...`,
  );
  const env = {
    ...process.env,
    CGO_ENABLED: '0',
    GOBIN: target,
    GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' '),
  };
  let result = await run('go', ['install', `${GO_MODULE}@${TEMPORAL_CLI_VERSION}`], env);
  if (result.code !== 0 && /sum\.golang\.org|checksum database|verifying module/i.test(result.output)) {
    // The checksum database may be unreachable where only the module proxy is: the modules' own go.sum still apply.
    log('The Go checksum database is unreachable; retrying with GONOSUMDB for the Temporal modules.');
    result = await run('go', ['install', `${GO_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      ...env,
      GONOSUMDB: 'github.com/temporalio/*,go.temporal.io/*',
    });
  }
  if (result.code !== 0) {
    throw new TemporalCliUnavailableError(`go install of the Temporal CLI failed:\n${result.output.slice(-4_000)}`);
  }
  const binary = path.join(target, 'temporal');
  log(`Built ${binary}.`);
  return binary;
}

async function downloadRelease(target: string, log: (line: string) => void): Promise<string> {
  log('Neither Go nor a Temporal CLI is here: downloading the official Temporal CLI release ...');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  // Starting a local environment with a download directory leaves the released binary there; we then run it ourselves.
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: target } },
  });
  await env.teardown();
  for (const entry of await readdir(target, { recursive: true })) {
    const file = path.join(target, entry);
    if (path.basename(file).startsWith('temporal') && (await isExecutable(file))) return file;
  }
  throw new TemporalCliUnavailableError(`the Temporal CLI download left no binary in ${target}`);
}

/** The path of a usable Temporal CLI, building or downloading it when none is found. */
export async function findOrInstallTemporalCli(options: FindCliOptions): Promise<string> {
  const log = options.log ?? (() => {});
  if (options.cliPath) {
    if (await isExecutable(options.cliPath)) return options.cliPath;
    throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH=${options.cliPath} is not an executable file`);
  }
  const fromPath = await onPath('temporal', options.searchPath);
  if (fromPath) return fromPath;
  const cacheFolder = cliCacheFolder(options.cacheDir);
  const cached = path.join(cacheFolder, 'temporal');
  if (await isExecutable(cached)) return cached;
  if (await onPath('go', options.searchPath)) return goInstall(cacheFolder, log);
  return downloadRelease(path.join(cacheFolder, 'release'), log);
}
