/**
 * Internal workflows (`runItemsChunk`, `takedownMonitor`) run only under the `runPlaybook` run that started them: the
 * parent is the one the server recorded (not one a caller names), and it must vouch for exactly this work and its
 * approval (see `child-vouch.ts`). Started any other way, by a Temporal client or the CLI, they refuse before any
 * command that changes the world.
 */
import { ApplicationFailure, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import type { GateServices } from '../activities/gate-services';
import type { ChildRequest } from './child-vouch';

/** Runs started before this check existed replay without it. */
export const PARENT_CHECK_PATCH = 'internal-workflows-check-parent';

const { 'cordon.check_parent': checkParent } = proxyLocalActivities<GateServices>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});

function notApproved(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE_TYPES.notApproved);
}

/** Fails with `NotApproved` unless a running (or, for a detached child, recorded) `runPlaybook` parent vouches. */
export async function requireRunPlaybookParent(request: ChildRequest): Promise<void> {
  if (!patched(PARENT_CHECK_PATCH)) return;
  const { parent, workflowType } = workflowInfo();
  if (!parent) {
    throw notApproved(`${workflowType} runs only as a child of a runPlaybook run; it was started directly`);
  }
  const problems = await checkParent({ parent: { workflowId: parent.workflowId, runId: parent.runId }, request });
  if (problems.length > 0) {
    throw notApproved(
      `${workflowType} refused: its parent ${parent.workflowId} does not vouch: ${problems.join('; ')}`,
    );
  }
}
