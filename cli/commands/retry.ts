/** `cordon retry RUN`: continue a finished run over the items it did not complete (see `runs/retry-run.ts`). */
import { retryRun, RetryRefusedError } from '../../runs/retry-run';
import { requirePositional, UsageError, defineCommand } from '../command';
import { follow } from './run';

export const retryCommand = defineCommand('retry', {
  usage: 'WORKFLOW_ID [--detach]',
  options: { detach: { type: 'boolean' } },
  async run(args, context) {
    const workflowId = requirePositional(args, 0, 'WORKFLOW_ID');
    const retry = await retryRun(await context.client(), workflowId, {
      requester: context.user,
      trigger: { kind: 'cli', source: context.user },
      taskQueue: context.config.temporal.taskQueue,
    }).catch((error: unknown) => {
      // Nothing to retry, or not yet: the user's to fix, said in one line.
      throw error instanceof RetryRefusedError ? new UsageError(error.message) : error;
    });
    context.out(
      `${retry.started ? 'started' : 'joined the running'} ${retry.workflowId}: a retry of ${workflowId} over ${retry.items.length} item(s): ${retry.items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')}`,
    );
    if (args.values.detach) return 0;
    const state = await follow(retry.handle, context, true);
    context.out(state.endedAt ? `${retry.workflowId}: ${state.status}` : `${retry.workflowId}: waiting for approval`);
    return state.status === 'failed' ? 1 : 0;
  },
});
