/**
 * Approving or rejecting a step from outside the run (CLI, Slack). The caller only delivers: the run's validator and
 * the worker's verification of the decision's proof (a Slack request signature, or the approver's own key) have the
 * last word.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { newNonce, signDecision } from '../people/decision-signature';
import type { DecisionKey } from '../people/key-file';
import type { ApprovalDecision, DecisionProof } from '../workflows/messages';
import { decideUpdate, statusQuery } from '../workflows/messages';
import type { ApprovalState } from '../workflows/run-state';

/** Thrown when the run refuses a decision; the message says why (not an approver, stale inputs, not signed, …). */
export class DecisionRefusedError extends Error {
  override readonly name = 'DecisionRefusedError';
}

export type DecisionRequest = Omit<ApprovalDecision, 'inputsHash'> & {
  /** The hash the decider saw; defaults to the pending request's current hash. */
  inputsHash?: string;
};

/** The pending approval of a step, or a `DecisionRefusedError` saying it is not waiting. */
export async function pendingApprovalOf(client: Client, workflowId: string, stepId: string): Promise<ApprovalState> {
  const state = await client.workflow.getHandle(workflowId).query(statusQuery);
  const pending = state.approvals.find((approval) => approval.stepId === stepId && approval.status === 'pending');
  if (!pending) throw new DecisionRefusedError(`step "${stepId}" of ${workflowId} is not waiting for an approval`);
  return pending;
}

/** Sends a decision as it is (with whatever proof it carries). */
export async function decide(client: Client, workflowId: string, request: DecisionRequest): Promise<ApprovalState> {
  const inputsHash = request.inputsHash ?? (await pendingApprovalOf(client, workflowId, request.stepId)).inputsHash;
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(decideUpdate, { args: [{ ...request, inputsHash }] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new DecisionRefusedError(error.cause?.message ?? error.message);
    }
    // A run that closed before (or while) the decision reached it answers with a server error about the Update; the
    // decider needs to hear that the run is over, not how Temporal aborted the Update.
    const status = await handle.describe().then(
      (description) => description.status.name,
      () => undefined,
    );
    if (status !== undefined && status !== 'RUNNING')
      throw new DecisionRefusedError(`${workflowId} has ended (${status}); there is nothing left to decide`, {
        cause: error,
      });
    throw error;
  }
}

export interface KeyDecision {
  stepId: string;
  decision: 'approve' | 'reject';
  inputsHash: string;
  reason?: string;
  /** Who the signer says they are (shown in refusals); the worker goes by the key. */
  approver: string;
}

/** A decision signed with an approver's key, over exactly this run, step, decision, hash and reason. */
export function signedDecision(
  key: Pick<DecisionKey, 'privateKey' | 'publicKey'>,
  workflowId: string,
  decision: KeyDecision,
): ApprovalDecision {
  const reason = decision.reason?.trim() || undefined;
  const issuedAt = new Date().toISOString();
  const nonce = newNonce();
  const signature = signDecision(key.privateKey, {
    workflowId,
    stepId: decision.stepId,
    decision: decision.decision,
    inputsHash: decision.inputsHash,
    reason: reason ?? null,
    issuedAt,
    nonce,
  });
  const proof: DecisionProof = { kind: 'key', publicKey: key.publicKey, issuedAt, nonce, signature };
  return { ...decision, reason, proof };
}

/** Signs a decision with `key` and sends it; the hash defaults to the pending request's. */
export async function decideWithKey(
  client: Client,
  workflowId: string,
  key: Pick<DecisionKey, 'privateKey' | 'publicKey'>,
  request: Omit<KeyDecision, 'inputsHash'> & { inputsHash?: string },
): Promise<ApprovalState> {
  const inputsHash = request.inputsHash ?? (await pendingApprovalOf(client, workflowId, request.stepId)).inputsHash;
  return decide(client, workflowId, signedDecision(key, workflowId, { ...request, inputsHash }));
}
