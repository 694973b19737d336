import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { startRun } from '../../runs/start-run';
import { statusQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/run-state';
import { stringOption, defineCommand } from '../command';
import type { CliContext } from '../context';
import { INPUT_OPTION, playbookAndInputs } from '../inputs';
import { approvalLines, stepLine } from '../render';

/**
 * Follows a run, printing each step as its status changes, until it ends or waits for an approval. Returns the last
 * state seen.
 */
export async function follow(handle: WorkflowHandle, context: CliContext, stopAtApproval: boolean): Promise<RunState> {
  const printed = new Map<string, string>();
  const shownApprovals = new Set<string>();
  for (;;) {
    const state = await handle.query(statusQuery);
    for (const step of state.steps) {
      const line = stepLine(step);
      if (step.status !== 'pending' && printed.get(step.id) !== line) {
        printed.set(step.id, line);
        context.out(line);
      }
    }
    for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
      const key = `${approval.stepId}:${approval.escalated}`;
      if (!shownApprovals.has(key)) {
        shownApprovals.add(key);
        approvalLines(state, approval).forEach((line) => context.out(line));
      }
    }
    if (state.endedAt) return state;
    if (stopAtApproval && state.status === 'waiting_approval' && !state.steps.some((s) => s.status === 'running')) {
      return state;
    }
    await sleep(300);
  }
}

export const runCommand = defineCommand('run', {
  usage: 'PLAYBOOK [--input NAME=VALUE ...] [--incident ID] [--detach]',
  options: {
    ...INPUT_OPTION,
    incident: { type: 'string' },
    detach: { type: 'boolean' },
  },
  async run(args, context) {
    const { plan, inputs } = await playbookAndInputs(args, context);
    const client = await context.client();
    const { handle, workflowId, started } = await startRun(client, {
      plan,
      inputs,
      requester: context.user,
      trigger: { kind: 'cli', source: context.user },
      taskQueue: context.config.temporal.taskQueue,
      incidentId: stringOption(args, 'incident'),
    });
    context.out(
      `${started ? 'started' : 'joined the running'} ${workflowId} (${plan.id} v${plan.version}, sha256 ${plan.sha256.slice(0, 16)}…)`,
    );
    if (args.values.detach) return 0;
    const state = await follow(handle, context, true);
    context.out(state.endedAt ? `${workflowId}: ${state.status}` : `${workflowId}: waiting for approval`);
    return state.status === 'failed' ? 1 : 0;
  },
});
