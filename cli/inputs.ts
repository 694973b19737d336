import { listOption, UsageError, type ParsedArgs } from './command';

/** The `--input NAME=VALUE` options of a command, as raw values for the playbook's input check. */
export function parseInputs(args: ParsedArgs): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of listOption(args, 'input')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--input ${pair}: expected NAME=VALUE`);
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return inputs;
}
