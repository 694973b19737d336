/**
 * The demos' simulated second responder: a throw-away Ed25519 key, listed in a throw-away people directory, so the
 * demos' approvals are signed and verified by the worker exactly as in production.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createDecisionVerifier } from '../activities/verify-decision';
import { publicKeyText } from '../people/decision-signature';
import { parseDirectory } from '../people/directory';
import { decideWithKey } from './decide';
import type { ApprovalState } from '../workflows/run-state';

export const SIMULATED_RESPONDER = 'demo-responder';

export interface SimulatedResponder {
  /** The responder's public key (what a worker in another process verifies with, see `simulatedResponderVerifier`). */
  publicKey: string;
  /** The worker's decision verifier, knowing only this responder. */
  verifyDecision: ReturnType<typeof createDecisionVerifier>;
  /** Approves a pending step as the responder, signed with its key. */
  approve(
    client: Client,
    workflowId: string,
    approval: Pick<ApprovalState, 'stepId' | 'inputsHash'>,
  ): Promise<ApprovalState>;
}

/** A decision verifier knowing only the simulated responder, by its public key. */
export function simulatedResponderVerifier(publicKey: string): ReturnType<typeof createDecisionVerifier> {
  const people = parseDirectory({ people: [{ id: SIMULATED_RESPONDER, keys: [publicKey] }] }, 'the demo directory');
  return createDecisionVerifier({ people });
}

export function simulatedResponder(): SimulatedResponder {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = { privateKey, publicKey: publicKeyText(privateKey) };
  return {
    publicKey: key.publicKey,
    verifyDecision: simulatedResponderVerifier(key.publicKey),
    approve: (client, workflowId, approval) =>
      decideWithKey(client, workflowId, key, {
        stepId: approval.stepId,
        decision: 'approve',
        approver: SIMULATED_RESPONDER,
        inputsHash: approval.inputsHash,
        reason: 'demo approval',
      }),
  };
}
