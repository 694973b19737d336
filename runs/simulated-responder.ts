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
  /** The worker's decision verifier, knowing only this responder. */
  verifyDecision: ReturnType<typeof createDecisionVerifier>;
  /** Approves a pending step as the responder, signed with its key. */
  approve(client: Client, workflowId: string, approval: ApprovalState): Promise<ApprovalState>;
}

export function simulatedResponder(): SimulatedResponder {
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = { privateKey, publicKey: publicKeyText(privateKey) };
  const people = parseDirectory({ people: [{ id: SIMULATED_RESPONDER, keys: [key.publicKey] }] }, 'the demo directory');
  return {
    verifyDecision: createDecisionVerifier({ people }),
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
