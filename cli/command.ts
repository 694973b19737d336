/** The shape of a `cordon` subcommand, and the error that ends one with a message instead of a stack trace. */
import type { ParseArgsConfig } from 'node:util';
import { COMMAND_SUMMARIES, type CommandName } from './command-catalogue';
import type { CliContext } from './context';

export interface Command {
  name: string;
  /** One line for `cordon help`. */
  summary: string;
  /** Arguments after the name, e.g. `PLAYBOOK [--input k=v ...]`. */
  usage: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Returns the exit code. */
  run(args: ParsedArgs, context: CliContext): Promise<number>;
}

/** What a command module writes: everything but the name's summary, which the catalogue holds. */
export type CommandSpec = Omit<Command, 'name' | 'summary'>;

/** The command `name`, with its summary from the catalogue, where `cordon help` reads it without loading this module. */
export function defineCommand(name: CommandName, spec: CommandSpec): Command {
  return { name, summary: COMMAND_SUMMARIES[name], ...spec };
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
}

import { UsageError } from './usage-error';

export { UsageError };

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((element): element is string => typeof element === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function requirePositional(args: ParsedArgs, index: number, what: string): string {
  const value = args.positionals[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}
