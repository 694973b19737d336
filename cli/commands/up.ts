import path from 'node:path';
import { localServerSettings } from '../../runs/connect';
import { findOrInstallTemporalCli } from '../../temporal/cli';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { startWorker } from '../../worker';
import { defineCommand } from '../command';
import type { CliContext } from '../context';

/** The Temporal CLI, found or built once (with a clear line while it builds). */
export function temporalCli(context: CliContext): Promise<string> {
  return findOrInstallTemporalCli({
    cliPath: context.config.temporal.cliPath,
    cacheDir: context.config.cacheDir,
    searchPath: context.env.PATH,
    log: (line) => context.err(line),
  });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const upCommand = defineCommand('up', {
  usage: '[--port 7233] [--ui-port 8233]',
  options: { port: { type: 'string' }, 'ui-port': { type: 'string' } },
  async run(args, context) {
    let server: DevServer | undefined;
    if (!context.config.temporal.address) {
      server = await startDevServer({
        cliPath: await temporalCli(context),
        dbFile: path.join(context.config.dataDir, 'temporal.sqlite'),
        port: Number(args.values.port ?? 7233),
        ui: true,
        uiPort: Number(args.values['ui-port'] ?? 8233),
        namespace: context.config.temporal.namespace,
      });
      context.out(
        `Temporal dev server on ${server.address}, Web UI ${server.uiUrl}, data in ${context.config.dataDir}`,
      );
    }
    // The worker talks to the server just started (whatever its port), else to the configured cluster.
    const settings = server ? localServerSettings(server, context.config) : context.settings();
    const worker = await startWorker(context.config, settings);
    const running = worker.run();
    context.out(`worker on task queue ${context.config.temporal.taskQueue} (${settings.address}); Ctrl-C stops`);
    await Promise.race([untilSignal(), running]);
    await worker.shutdown();
    await server?.stop();
    return 0;
  },
});
