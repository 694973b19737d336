/**
 * The people of a playbook test: everyone its approver groups name gets a throw-away Ed25519 key, listed in a
 * throw-away people directory, so a test's decisions are signed and verified by the worker exactly as in production
 * (as the demos' simulated responder is).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createDecisionVerifier } from '../activities/verify-decision';
import { publicKeyText } from '../people/decision-signature';
import { parseDirectory } from '../people/directory';
import { decideWithKey } from '../runs/decide';
import type { ApprovalState } from '../workflows/run-state';

export interface TestResponders {
  /** The worker's decision verifier, knowing exactly these people. */
  verifyDecision: ReturnType<typeof createDecisionVerifier>;
  has(person: string): boolean;
  /** Decides a pending approval as `person`, signed with their key. */
  decide(
    client: Client,
    workflowId: string,
    approval: ApprovalState,
    decision: { person: string; decision: 'approve' | 'reject'; reason: string },
  ): Promise<ApprovalState>;
}

export function testResponders(people: readonly string[]): TestResponders {
  const keys = new Map<string, { privateKey: KeyObject; publicKey: string }>();
  for (const person of new Set(people)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    keys.set(person, { privateKey, publicKey: publicKeyText(privateKey) });
  }
  const directory = parseDirectory(
    { people: [...keys].map(([id, key]) => ({ id, keys: [key.publicKey] })) },
    'the playbook test directory',
  );
  return {
    verifyDecision: createDecisionVerifier({ people: directory }),
    has: (person) => keys.has(person),
    decide: (client, workflowId, approval, { person, decision, reason }) => {
      const key = keys.get(person);
      if (!key) throw new Error(`the test names no person "${person}"`);
      return decideWithKey(client, workflowId, key, {
        stepId: approval.stepId,
        decision,
        approver: person,
        inputsHash: approval.inputsHash,
        reason,
      });
    },
  };
}
