/** Approving or rejecting a step from outside the run (CLI, Slack): the run's validator has the last word. */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ApprovalDecision } from '../workflows/messages';
import { decideUpdate, statusQuery } from '../workflows/messages';
import type { ApprovalState } from '../workflows/run-state';

/** Thrown when the run refuses a decision; the message says why (not an approver, stale inputs, …). */
export class DecisionRefusedError extends Error {
  override readonly name = 'DecisionRefusedError';
}

export type DecisionRequest = Omit<ApprovalDecision, 'inputsHash'> & {
  /** The hash the decider saw; defaults to the pending request's current hash (the CLI shows it before asking). */
  inputsHash?: string;
};

export async function decide(client: Client, workflowId: string, request: DecisionRequest): Promise<ApprovalState> {
  const handle = client.workflow.getHandle(workflowId);
  let inputsHash = request.inputsHash;
  if (!inputsHash) {
    const state = await handle.query(statusQuery);
    const pending = state.approvals.find(
      (approval) => approval.stepId === request.stepId && approval.status === 'pending',
    );
    if (!pending)
      throw new DecisionRefusedError(`step "${request.stepId}" of ${workflowId} is not waiting for an approval`);
    inputsHash = pending.inputsHash;
  }
  try {
    return await handle.executeUpdate(decideUpdate, { args: [{ ...request, inputsHash }] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new DecisionRefusedError(error.cause?.message ?? error.message);
    }
    throw error;
  }
}
