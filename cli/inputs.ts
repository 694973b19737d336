import type { ParseArgsConfig } from 'node:util';
import { validateRunInputs, type Plan } from '../dsl';
import { listOption, requirePositional, UsageError, type ParsedArgs } from './command';
import type { CliContext } from './context';

/** The `--input NAME=VALUE` option of the commands that take a playbook's inputs. */
export const INPUT_OPTION = {
  input: { type: 'string', short: 'i', multiple: true },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The `--input NAME=VALUE` options of a command, as raw values for the playbook's input check. */
function parseInputs(args: ParsedArgs): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of listOption(args, 'input')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--input ${pair}: expected NAME=VALUE`);
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return inputs;
}

/**
 * The playbook the first argument names and the `--input` values checked against it: a typo is reported before any
 * server is reached, the same with or without one.
 */
export async function playbookAndInputs(
  args: ParsedArgs,
  context: CliContext,
): Promise<{ plan: Plan; inputs: Record<string, unknown> }> {
  const plan = await context.plan(requirePositional(args, 0, 'PLAYBOOK (a file or a playbook id)'));
  return { plan, inputs: validateRunInputs(plan, parseInputs(args)) };
}
