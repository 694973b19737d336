/** What the long-running commands (`serve`, `codec-server`) share: their `--port` option and waiting for Ctrl-C. */
import { UsageError } from './usage-error';

/** Resolves on SIGINT or SIGTERM, when a server command should close and exit. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The `--port` option, or the configured port when it is not given. */
export function portOf(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new UsageError(`--port takes a port number, not "${raw}"`);
  return port;
}
