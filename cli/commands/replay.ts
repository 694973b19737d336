/**
 * `cordon replay`: replays recorded histories (export files, runs on the server, or the runs a query finds) against
 * today's workflow code, and says per run whether it reproduces the history. Exits 1 if any run diverges, so it can
 * gate a deployment of changed interpreter code.
 */
import { existsSync } from 'node:fs';
import {
  AuditError,
  fetchRunHistory,
  findRuns,
  readExport,
  replayHistories,
  replayLine,
  type ReplayInput,
} from '../../audit';
import { workflowBundle } from '../../temporal/worker-factory';
import { stringOption, UsageError, defineCommand } from '../command';
import type { CliContext } from '../context';

async function inputsFor(references: string[], filter: string | undefined, limit: number, context: CliContext) {
  const inputs: ReplayInput[] = [];
  for (const reference of references) {
    if (existsSync(reference)) {
      const { run } = await readExport(reference);
      // Workflow code may read its own id; a file without one (a plain CLI export) replays under a stand-in.
      inputs.push({ label: reference, workflowId: run.workflowId ?? `replay/${reference}`, history: run.history });
    } else {
      const run = await fetchRunHistory(await context.client(), reference);
      inputs.push({ label: reference, workflowId: reference, history: run.history });
    }
  }
  if (filter) {
    const client = await context.client();
    for (const ref of await findRuns(client, filter, limit)) {
      const run = await fetchRunHistory(client, ref.workflowId, ref.runId);
      inputs.push({ label: `${ref.workflowId} (run ${ref.runId})`, workflowId: ref.workflowId, history: run.history });
    }
  }
  return inputs;
}

export const replayCommand = defineCommand('replay', {
  usage: 'FILE...|WORKFLOW_ID... [--query "CordonPlaybook = \'okta-account-compromise\'"] [--limit N] [--json]',
  options: { query: { type: 'string', short: 'q' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, context) {
    const filter = stringOption(args, 'query');
    const limit = Number(stringOption(args, 'limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a positive whole number');
    if (args.positionals.length === 0 && !filter)
      throw new UsageError('name export files or workflow ids, or give --query');
    try {
      const inputs = await inputsFor(args.positionals, filter, limit, context);
      if (inputs.length === 0) {
        context.out('no runs to replay');
        return 0;
      }
      const outcomes = await replayHistories(inputs, { workflowBundle: await workflowBundle() });
      if (args.values.json) context.out(JSON.stringify(outcomes, null, 2));
      else outcomes.forEach((outcome) => context.out(replayLine(outcome)));
      const diverged = outcomes.filter((outcome) => outcome.verdict !== 'deterministic').length;
      if (!args.values.json)
        context.out(`${outcomes.length - diverged} of ${outcomes.length} replayed deterministically`);
      return diverged > 0 ? 1 : 0;
    } catch (error) {
      if (error instanceof AuditError) throw new UsageError(error.message);
      throw error;
    }
  },
});
