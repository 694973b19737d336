/** One character per step status, shared by the terminal views (status, follow, audit). */
import type { StepStatus } from '../workflows/run-state';

export const STEP_MARKS: Record<StepStatus, string> = {
  pending: '·',
  waiting_approval: '?',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  skipped: '-',
  rejected: '⊘',
  cancelled: '■',
  undone: '↶',
  undo_failed: '!',
};

/** The mark of a status given as text (an audit reads statuses from histories). */
export function stepMark(status: string): string {
  return (STEP_MARKS as Record<string, string>)[status] ?? '·';
}
