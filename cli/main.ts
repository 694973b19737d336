/** The `cordon` command line: parses the subcommand and its options, and turns mistakes into one clear line. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { InputError, PlaybookError } from '../dsl';
import { DecisionRefusedError } from '../runs/decide';
import { TemporalUnreachableError } from '../runs/connect';
import { TemporalCliUnavailableError } from '../temporal/cli';
import { installRuntimeLogger } from '../temporal/logger';
import { UsageError, type Command } from './command';
import { auditCommand } from './commands/audit';
import { demoCommand } from './commands/demo';
import { exportCommand } from './commands/export';
import { hooksCommand } from './commands/hooks';
import { keysCommand } from './commands/keys';
import { actionsCommand, schemaCommand, validateCommand } from './commands/playbooks';
import { replayCommand } from './commands/replay';
import { runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { triggersCommand } from './commands/triggers';
import { approveCommand, cancelCommand, listCommand, rejectCommand, statusCommand } from './commands/runs';
import { upCommand } from './commands/up';
import { createContext } from './context';

const COMMANDS: Command[] = [
  upCommand,
  runCommand,
  statusCommand,
  listCommand,
  approveCommand,
  rejectCommand,
  cancelCommand,
  validateCommand,
  schemaCommand,
  actionsCommand,
  demoCommand,
  auditCommand,
  exportCommand,
  replayCommand,
  triggersCommand,
  hooksCommand,
  serveCommand,
  keysCommand,
];

/** Errors that are the user's to fix: shown as one line, no stack trace. */
const USER_ERRORS = [
  UsageError,
  ConfigError,
  PlaybookError,
  InputError,
  DecisionRefusedError,
  TemporalUnreachableError,
  TemporalCliUnavailableError,
];

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
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(`cordon: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
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
    const config = loadConfig(process.env);
    installRuntimeLogger(config.logLevel);
    const context = createContext(config, process.env);
    return await command.run({ values, positionals }, context);
  } catch (error) {
    if (error instanceof PlaybookError) {
      for (const issue of error.issues) console.error(`${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
      return 2;
    }
    const userError = USER_ERRORS.some((kind) => error instanceof kind) || isParseArgsError(error);
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

process.exitCode = await main(process.argv.slice(2));
