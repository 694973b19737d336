/** `cordon undo RUN`: reverse what a finished run changed, as its own approved run (see `runs/undo-run.ts`). */
import { undoRun } from '../../runs/undo-run';
import { UndoRefusedError } from '../../runs/undone-run';
import type { UndoScope } from '../../runs/undo-scope';
import type { RunState, StepState } from '../../workflows/run-state';
import { listOption, requirePositional, UsageError, defineCommand } from '../command';
import { follow } from './run';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the undo is about to do and what it cannot, before anyone approves. */
export function undoScopeLines(scope: UndoScope): string[] {
  const section = (title: string, lines: string[]) =>
    lines.length > 0 ? [`  ${title}:`, ...lines.map((line) => `    ${line}`)] : [];
  return [
    ...section(
      'will undo, newest first',
      scope.steps.flatMap((step) => step.changes.map((change) => `${change.work}: ${change.label}`)),
    ),
    ...section('cannot be restored', scope.notRestorable),
    ...section('changed nothing', scope.unchanged),
    ...section('already undone by the run itself', scope.alreadyUndone),
  ];
}

function outcomeOf(label: string, status: StepState['status'], output: unknown, why: string | undefined): string {
  if (status === 'succeeded' && isRecord(output)) {
    if (typeof output.leftAlone === 'string') return `left alone: ${label}: ${output.leftAlone}`;
    return output.changed === false ? `already as before: ${label}` : `restored: ${label}`;
  }
  return `not restored: ${label}: ${status}${why ? ` (${why})` : ''}`;
}

/** How each undo ended: restored, left alone because it changed since the run (and why), or not restored. */
export function undoOutcomeLines(state: RunState): string[] {
  return state.steps.flatMap((step) => {
    if (!step.items) {
      return [outcomeOf(step.id, step.status, step.output, step.error?.message ?? step.reason)];
    }
    return step.items.map((item) =>
      outcomeOf(
        `${step.id}[${item.index}]`,
        item.status,
        item.output,
        item.error?.message ?? item.reason ?? step.reason,
      ),
    );
  });
}

export const undoCommand = defineCommand('undo', {
  usage: 'WORKFLOW_ID [--approvers GROUP ...] [--wait] [--detach]',
  options: { approvers: { type: 'string', multiple: true }, wait: { type: 'boolean' }, detach: { type: 'boolean' } },
  async run(args, context) {
    const workflowId = requirePositional(args, 0, 'WORKFLOW_ID');
    const groups = listOption(args, 'approvers').flatMap((text) => text.split(',').map((group) => group.trim()));
    const undo = await undoRun(await context.client(), workflowId, {
      requester: context.user,
      trigger: { kind: 'cli', source: context.user },
      taskQueue: context.config.temporal.taskQueue,
      registry: context.registry,
      ...(groups.length > 0 ? { approvers: { users: [], groups: groups.filter(Boolean) } } : {}),
    }).catch((error: unknown) => {
      throw error instanceof UndoRefusedError ? new UsageError(error.message) : error;
    });
    context.out(
      `${undo.started ? 'started' : 'following the running'} ${undo.workflowId}: the undo of ${workflowId}, requested by ${context.user}`,
    );
    undoScopeLines(undo.scope).forEach((line) => context.out(line));
    if (args.values.detach) return 0;
    const state = await follow(undo.handle, context, !args.values.wait);
    if (!state.endedAt) {
      context.out(`${undo.workflowId}: waiting for approval (cordon status ${undo.workflowId} to follow it)`);
      return 0;
    }
    context.out(`${undo.workflowId}: ${state.status}`);
    undoOutcomeLines(state).forEach((line) => context.out(`  ${line}`));
    if (undo.scope.notRestorable.length > 0) {
      context.out('  not restored, cordon cannot undo these:');
      undo.scope.notRestorable.forEach((line) => context.out(`    ${line}`));
    }
    return state.status === 'failed' ? 1 : 0;
  },
});
