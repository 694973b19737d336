/** `cordon pause` and `cordon resume`: the kill switch of the configured task queue (see runs/kill-switch.ts). */
import { pause, pauseState, resume } from '../../runs/kill-switch';
import { stringOption, UsageError, defineCommand } from '../command';

export const pauseCommand = defineCommand('pause', {
  usage: '--reason TEXT',
  options: { reason: { type: 'string' } },
  async run(args, context) {
    const reason = stringOption(args, 'reason');
    if (!reason) throw new UsageError('--reason TEXT is required: say why automation is paused');
    const taskQueue = context.config.temporal.taskQueue;
    const state = await pause(await context.client(), taskQueue, { by: context.user, reason });
    context.out(
      `paused task queue ${taskQueue} (by ${state.by} since ${state.since.toISOString()}: ${state.reason}); every change fails Paused until \`cordon resume\``,
    );
    return 0;
  },
});

export const resumeCommand = defineCommand('resume', {
  usage: '',
  async run(_args, context) {
    const taskQueue = context.config.temporal.taskQueue;
    const client = await context.client();
    const before = await pauseState(client, taskQueue);
    if (!(await resume(client, taskQueue, context.user))) {
      context.out(`task queue ${taskQueue} was not paused`);
      return 0;
    }
    context.out(`resumed task queue ${taskQueue} (paused by ${before?.by ?? '(unknown)'}: ${before?.reason ?? ''})`);
    return 0;
  },
});
