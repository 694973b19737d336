/**
 * A throw-away, in-memory dev server for scripts and benchmarks: cordon's compact runtime log, the configured (or
 * found, or installed) Temporal CLI, and a server on a free port. Tests start theirs in their global setup instead.
 */
import { loadConfig } from '../config/config';
import { findOrInstallTemporalCli } from './cli';
import { startDevServer, type DevServer, type DevServerOptions } from './dev-server';
import { installRuntimeLogger } from './logger';

/** `options`: a database file and a port, for a server that is stopped and started again on the same ones. */
export async function startScratchServer(
  log?: (line: string) => void,
  options: Pick<DevServerOptions, 'dbFile' | 'port'> = {},
): Promise<DevServer> {
  installRuntimeLogger('WARN');
  const config = loadConfig(process.env);
  const cliPath = await findOrInstallTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    searchPath: process.env.PATH,
    ...(log ? { log } : {}),
  });
  return startDevServer({ cliPath, ...options });
}
