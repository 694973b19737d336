/**
 * A throw-away, in-memory dev server for scripts and benchmarks: cordon's compact runtime log, the configured (or
 * found, or installed) Temporal CLI, and a server on a free port. Tests start theirs in their global setup instead.
 */
import { loadConfig } from '../config/config';
import { findOrInstallTemporalCli } from './cli';
import { startDevServer, type DevServer } from './dev-server';
import { installRuntimeLogger } from './logger';

export async function startScratchServer(log?: (line: string) => void): Promise<DevServer> {
  installRuntimeLogger('WARN');
  const config = loadConfig(process.env);
  const cliPath = await findOrInstallTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    searchPath: process.env.PATH,
    ...(log ? { log } : {}),
  });
  return startDevServer({ cliPath });
}
