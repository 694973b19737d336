/**
 * The `cordon` command line: parses the subcommand and its options, and turns mistakes into one clear line. A command's
 * module is imported only when that command runs, so `cordon --help` or `cordon validate` start without loading the
 * Temporal worker, the Okta SDK or Bolt.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command';

interface CommandEntry {
  name: string;
  /** One line for `cordon help`: the command's own summary (test/unit/cli-commands.test.ts checks they agree). */
  summary: string;
  load: () => Promise<Command>;
  /** The command runs Temporal's native runtime (a worker or a replay): install cordon's compact log first. */
  temporalRuntime?: true;
}

const COMMANDS: CommandEntry[] = [
  {
    name: 'up',
    summary: 'Run the local Temporal dev server (persistent, with its Web UI) and a worker, until Ctrl-C.',
    load: async () => (await import('./commands/up')).upCommand,
    temporalRuntime: true,
  },
  {
    name: 'run',
    summary: 'Start a playbook and follow it until it ends or waits for an approval.',
    load: async () => (await import('./commands/run')).runCommand,
  },
  {
    name: 'plan',
    summary:
      'Dry run: run the reads of a playbook and say what each state-changing step would change, changing nothing.',
    load: async () => (await import('./commands/plan')).planCommand,
  },
  {
    name: 'status',
    summary: 'Show the steps, approvals and alerts of a run, or what a takedown monitor has done.',
    load: async () => (await import('./commands/runs')).statusCommand,
  },
  {
    name: 'list',
    summary: 'List runs, newest first (filter with a Temporal visibility query).',
    load: async () => (await import('./commands/runs')).listCommand,
  },
  {
    name: 'approve',
    summary: 'Approve a step waiting for approval, signed with your key (cordon keys init).',
    load: async () => (await import('./commands/runs')).approveCommand,
  },
  {
    name: 'reject',
    summary: 'Reject a step (a reason is required), signed with your key.',
    load: async () => (await import('./commands/runs')).rejectCommand,
  },
  {
    name: 'keys',
    summary: 'Make (init) or print (show) your key for signing approvals from the command line.',
    load: async () => (await import('./commands/keys')).keysCommand,
  },
  {
    name: 'cancel',
    summary: 'Cancel a run: running steps are stopped, nothing new starts.',
    load: async () => (await import('./commands/runs')).cancelCommand,
  },
  {
    name: 'pause',
    summary: 'Kill switch: refuse every state-changing action (reads still run) until `cordon resume`.',
    load: async () => (await import('./commands/kill-switch')).pauseCommand,
  },
  {
    name: 'resume',
    summary: 'Turn the kill switch off: state-changing actions run again.',
    load: async () => (await import('./commands/kill-switch')).resumeCommand,
  },
  {
    name: 'limits',
    summary: 'Show the governor limits and their use, or raise or lower one: limits set LIMIT COUNT --reason TEXT.',
    load: async () => (await import('./commands/limits')).limitsCommand,
  },
  {
    name: 'retry',
    summary: 'Start a recorded continuation of a finished run over just the items it did not complete.',
    load: async () => (await import('./commands/retry')).retryCommand,
  },
  {
    name: 'undo',
    summary:
      'Undo every change a finished run made, newest first, as its own approved run; changes made since are left alone.',
    load: async () => (await import('./commands/undo')).undoCommand,
  },
  {
    name: 'validate',
    summary: 'Check playbooks: schema, references, cycles, expressions, approval gates. Prints every error.',
    load: async () => (await import('./commands/playbooks')).validateCommand,
  },
  {
    name: 'test',
    summary: 'Run the playbook tests written in YAML (*.test.yaml) on an embedded dev server; --json for a report.',
    load: async () => (await import('./commands/test')).testCommand,
  },
  {
    name: 'schema',
    summary: 'Print the playbook JSON Schema (for editor completion, e.g. yaml-language-server).',
    load: async () => (await import('./commands/playbooks')).schemaCommand,
  },
  {
    name: 'actions',
    summary: 'List the actions playbooks can use: name, impact, inputs, undo.',
    load: async () => (await import('./commands/playbooks')).actionsCommand,
  },
  {
    name: 'demo',
    summary:
      'Contain a phished account end to end (embedded dev server, local Okta, real SDK), or with `takedown`, take down a phishing domain on the local stand-ins; no credentials needed.',
    load: async () => (await import('./commands/demo')).demoCommand,
    temporalRuntime: true,
  },
  {
    name: 'audit',
    summary:
      'Audit a run from its history: timeline, approvals, inputs and outputs (text, JSON or a sealed HTML report).',
    load: async () => (await import('./commands/audit')).auditCommand,
  },
  {
    name: 'export',
    summary: "Export a run's workflow history as JSON (Temporal CLI format, with its sha256), for replay and archives.",
    load: async () => (await import('./commands/export')).exportCommand,
  },
  {
    name: 'replay',
    summary: "Replay run histories against today's workflow code; exits 1 if any diverges (a determinism check).",
    load: async () => (await import('./commands/replay')).replayCommand,
    temporalRuntime: true,
  },
  {
    name: 'detections',
    summary:
      'List the detections each playbook listens for (`list`), or say which playbooks a saved event would start (`test`).',
    load: async () => (await import('./commands/detections')).detectionsCommand,
  },
  {
    name: 'triggers',
    summary: 'Deprecated alias of `cordon detections list`.',
    load: async () => (await import('./commands/detections')).triggersCommand,
  },
  {
    name: 'hooks',
    summary: 'Deprecated alias of `cordon detections test`.',
    load: async () => (await import('./commands/detections')).hooksCommand,
  },
  {
    name: 'config',
    summary: 'Check the configuration (every problem at once) and print the effective one, secrets masked (`check`).',
    load: async () => (await import('./commands/config')).configCommand,
  },
  {
    name: 'serve',
    summary: 'Serve Slack (slash command, approval buttons) and the detection hooks over HTTP, until Ctrl-C.',
    load: async () => (await import('./commands/serve')).serveCommand,
  },
  {
    name: 'codec-server',
    summary:
      "Serve Temporal's codec protocol over the payload codec, for the Web UI and CLI (bearer token), until Ctrl-C.",
    load: async () => (await import('./commands/codec-server')).codecServerCommand,
  },
];

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
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: cordon COMMAND [options]',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
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
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) {
    console.error(`cordon: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
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
    if (entry.temporalRuntime) (await import('../temporal/logger')).installConfiguredRuntime(config);
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
