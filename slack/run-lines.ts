/** How a run, a step and an approval read in Slack: status marks and words, a step's line, the approvals so far. */
import type { ApprovalState, RunStatus, StepState, StepStatus } from '../workflows/run-state';
import { itemsProgress, stepProblem } from '../runs/step-progress';
import { briefMrkdwn, code, escapeMrkdwn } from './format';

const STEP_MARK: Record<StepStatus, string> = {
  pending: ':white_circle:',
  waiting_approval: ':raised_hand:',
  running: ':arrow_forward:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
  rejected: ':no_entry:',
  cancelled: ':black_square_for_stop:',
  undone: ':leftwards_arrow_with_hook:',
  undo_failed: ':warning:',
};

export const RUN_MARK: Record<RunStatus, string> = {
  running: ':arrow_forward:',
  waiting_approval: ':raised_hand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':black_square_for_stop:',
};

export const RUN_WORD: Record<RunStatus, string> = {
  running: 'running',
  waiting_approval: 'waiting for approval',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function stepLine(step: StepState): string {
  const detail = stepProblem(step) ?? (step.status === 'undone' && step.undo ? `undone by ${step.undo.action}` : '');
  const status = step.status.replace('_', ' ');
  return `${STEP_MARK[step.status]} ${code(step.id)} ${escapeMrkdwn(step.action)} — *${status}*${itemsProgress(step)}${detail ? ` — ${briefMrkdwn(detail, 240)}` : ''}`;
}

/** `1 of 2 approved`. */
export function approvalCount(approval: ApprovalState): string {
  const approved = approval.decisions.filter((decision) => decision.decision === 'approve').length;
  return `${approved} of ${approval.required} approved`;
}
