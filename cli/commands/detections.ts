/**
 * `cordon detections list|test`: what the playbooks listen for, and what a saved event would start. One word for the
 * concept, as in a playbook's `triggers[].detection` and the `detections/` folder; `cordon triggers` and
 * `cordon hooks test` remain as deprecated aliases that say so on stderr.
 */
import { requirePositional, UsageError, defineCommand, type ParsedArgs } from '../command';
import type { CliContext } from '../context';
import { listDetections } from './detections-list';
import { testDetections } from './detections-test';

const OPTIONS = { json: { type: 'boolean' } } as const;

export const detectionsCommand = defineCommand('detections', {
  usage:
    'list [--json] | test SOURCE FILE [--json]   (SOURCE: okta or a webhook source; FILE: an Okta delivery, one event, or {"events": [...]})',
  options: OPTIONS,
  async run(args, context) {
    const sub = requirePositional(args, 0, 'subcommand (list or test)');
    if (sub === 'list') return listDetections(args, context);
    if (sub === 'test') return testDetections(args, context);
    throw new UsageError(
      `unknown subcommand "${sub}"; try: cordon detections list, cordon detections test SOURCE FILE`,
    );
  },
});

function deprecated(context: CliContext, old: string, replacement: string): void {
  context.err(`cordon ${old} is deprecated; use cordon ${replacement}`);
}

/** Deprecated: `cordon detections list`. */
export const triggersCommand = defineCommand('triggers', {
  usage: '[--json]',
  options: OPTIONS,
  async run(args, context) {
    deprecated(context, 'triggers', 'detections list');
    return listDetections(args, context);
  },
});

/** Deprecated: `cordon detections test SOURCE FILE`. */
export const hooksCommand = defineCommand('hooks', {
  usage: 'test SOURCE FILE [--json]',
  options: OPTIONS,
  async run(args: ParsedArgs, context) {
    deprecated(context, 'hooks test', 'detections test');
    const sub = requirePositional(args, 0, 'subcommand (test)');
    if (sub !== 'test') throw new UsageError(`unknown subcommand "${sub}"; try: cordon detections test SOURCE FILE`);
    return testDetections(args, context);
  },
});
