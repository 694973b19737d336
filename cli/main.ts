/**
 * The `cordon` command line: parses the subcommand and its options, and turns mistakes into one clear line. A command's
 * module is imported only when that command runs, so `cordon --help` or `cordon validate` start without loading the
 * Temporal worker, the Okta SDK or Bolt.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command';
import { COMMAND_SUMMARIES, type CommandName } from './command-catalogue';

/** Each command's module, imported only when that command runs. */
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  up: async () => (await import('./commands/up')).upCommand,
  run: async () => (await import('./commands/run')).runCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  status: async () => (await import('./commands/runs')).statusCommand,
  list: async () => (await import('./commands/runs')).listCommand,
  approve: async () => (await import('./commands/runs')).approveCommand,
  reject: async () => (await import('./commands/runs')).rejectCommand,
  keys: async () => (await import('./commands/keys')).keysCommand,
  cancel: async () => (await import('./commands/runs')).cancelCommand,
  pause: async () => (await import('./commands/kill-switch')).pauseCommand,
  resume: async () => (await import('./commands/kill-switch')).resumeCommand,
  limits: async () => (await import('./commands/limits')).limitsCommand,
  retry: async () => (await import('./commands/retry')).retryCommand,
  undo: async () => (await import('./commands/undo')).undoCommand,
  validate: async () => (await import('./commands/playbooks')).validateCommand,
  test: async () => (await import('./commands/test')).testCommand,
  schema: async () => (await import('./commands/playbooks')).schemaCommand,
  actions: async () => (await import('./commands/playbooks')).actionsCommand,
  demo: async () => (await import('./commands/demo')).demoCommand,
  audit: async () => (await import('./commands/audit')).auditCommand,
  export: async () => (await import('./commands/export')).exportCommand,
  replay: async () => (await import('./commands/replay')).replayCommand,
  detections: async () => (await import('./commands/detections')).detectionsCommand,
  triggers: async () => (await import('./commands/detections')).triggersCommand,
  hooks: async () => (await import('./commands/detections')).hooksCommand,
  config: async () => (await import('./commands/config')).configCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  'codec-server': async () => (await import('./commands/codec-server')).codecServerCommand,
};

/** Commands that run Temporal's native runtime (a worker or a replay): cordon's compact log is installed first. */
const TEMPORAL_RUNTIME: ReadonlySet<CommandName> = new Set(['up', 'demo', 'replay']);

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(LOADERS, name);
}

/**
 * Errors that are the user's to fix: shown as one line, no stack trace. Matched by name, so that this file need not
 * import the modules that define them (and everything those import).
 */
const USER_ERRORS: ReadonlySet<string> = new Set([
  'UsageError',
  'ConfigError',
  'PlaybookError',
  'InputError',
  'DecisionRefusedError',
  'TemporalUnreachableError',
  'TemporalCliUnavailableError',
  'SearchAttributesMissingError',
]);

function help(): string {
  const summaries = Object.entries(COMMAND_SUMMARIES);
  const width = Math.max(...summaries.map(([name]) => name.length));
  return [
    'usage: cordon COMMAND [options]',
    '',
    ...summaries.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    "cordon COMMAND --help shows a command's arguments.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return 0;
  }
  if (!isCommandName(name)) {
    console.error(`cordon: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await LOADERS[name]();
  if (rest.includes('--help')) {
    console.log(`usage: cordon ${command.name} ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    const [{ loadConfig }, { createContext }] = await Promise.all([import('../config/config'), import('./context')]);
    const config = loadConfig(process.env);
    if (TEMPORAL_RUNTIME.has(name)) (await import('../temporal/logger')).installConfiguredRuntime(config);
    const context = createContext(config, process.env);
    const endpoint = config.telemetry.otlpEndpoint;
    // Loaded only when traces are on: the OpenTelemetry SDK is not every command's weight.
    const tracing = endpoint
      ? (await import('../tracing/provider')).startTracing(endpoint, `cordon-${name}`)
      : undefined;
    try {
      return await command.run({ values, positionals }, context);
    } finally {
      await tracing?.shutdown();
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'PlaybookError') {
      // Whoever threw it has loaded the playbook module already: importing it here costs nothing.
      const { PlaybookError } = await import('../dsl');
      if (error instanceof PlaybookError) {
        for (const issue of error.issues)
          console.error(`${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
        return 2;
      }
    }
    const userError = (error instanceof Error && USER_ERRORS.has(error.name)) || isParseArgsError(error);
    if (userError) {
      console.error(`cordon ${command.name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

// `cordon … | head -1`: once the reader has gone, stop quietly, as Unix tools do, instead of an EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
