/**
 * `cordon export`: a run's workflow history as JSON in the Temporal CLI's format (`temporal workflow show --output
 * json`), loadable by the SDK replayers and `cordon replay`, with an integrity record `cordon audit --verify` checks.
 */
import { writeFile } from 'node:fs/promises';
import { AuditError, exportText, fetchRunHistory } from '../../audit';
import { requirePositional, stringOption, UsageError, defineCommand } from '../command';

export const exportCommand = defineCommand('export', {
  usage: 'WORKFLOW_ID --out FILE [--run-id RUN]   (--out - writes to standard output)',
  options: { out: { type: 'string', short: 'o' }, 'run-id': { type: 'string' } },
  async run(args, context) {
    const workflowId = requirePositional(args, 0, 'WORKFLOW_ID');
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('--out FILE is required (or --out - for standard output)');
    try {
      const run = await fetchRunHistory(await context.client(), workflowId, stringOption(args, 'run-id'));
      const text = exportText(run, context.user);
      if (out === '-') {
        process.stdout.write(text);
        return 0;
      }
      await writeFile(out, text);
      context.out(`exported ${run.history.events?.length ?? 0} events of ${workflowId} (run ${run.runId}) to ${out}`);
      return 0;
    } catch (error) {
      if (error instanceof AuditError) throw new UsageError(error.message);
      throw error;
    }
  },
});
