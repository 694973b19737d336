/** The final reply in a run's thread: how it ended, its steps by status, what went wrong, and how to audit it. */
import type { RunState } from '../workflows/run-state';
import { section, type SlackMessage } from './block-kit';
import { code, slackDate } from './format';
import { RUN_MARK, RUN_WORD, stepLine } from './run-lines';

/** The final reply in the run's thread. */
export function summaryMessage(state: RunState): SlackMessage {
  const counts = new Map<string, number>();
  for (const step of state.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const tally = [...counts].map(([status, count]) => `${count} ${status.replace('_', ' ')}`).join(', ');
  const problems = state.steps.filter((step) => ['failed', 'undo_failed', 'rejected'].includes(step.status));
  const lines = [
    `${RUN_MARK[state.status]} Run ${code(state.workflowId)} *${RUN_WORD[state.status]}*${state.endedAt ? ` ${slackDate(state.endedAt)}` : ''}: ${tally}.`,
    ...problems.map(stepLine),
    `Audit: ${code(`cordon audit ${state.workflowId}`)} · status: ${code(`cordon status ${state.workflowId}`)}`,
  ];
  return {
    text: `${state.playbook.title}: ${RUN_WORD[state.status]} (${state.workflowId})`,
    blocks: [section(lines.join('\n'))],
  };
}
