/** What a stand-in's `main.ts` shares when it runs on its own: reading `--port`, serving until interrupted, failing. */

/** A `--port` value: 0 (any free port) to 65535. */
export function parsePort(value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, got ${value}`);
  return port;
}

/** Runs `main`, then serves until SIGINT or SIGTERM closes the stand-in; a failure to start prints it and exits 1. */
export function runStandalone(main: () => Promise<{ close(): Promise<void> }>): void {
  main().then(
    (standIn) => {
      const stop = () => {
        standIn.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
