/**
 * `cordon audit --verify-decisions`: re-checks, from a history alone, the signature of every decision that reached a
 * run: a CLI decision against the key it names (and whether the people directory lists that key), a Slack decision
 * against the signing secret, when this machine has it. Freshness is checked as of when the decision was made.
 */
import { createDecisionVerifier } from '../activities/verify-decision';
import { keyFingerprint, verifyDecisionSignature } from '../people/decision-signature';
import type { PeopleDirectory } from '../people/directory';
import { decodePayload, type RunHistory } from './history';
import { decisionArgsRecord } from './run-records';

export interface DecisionSignatureCheck {
  updateId: string;
  stepId: string;
  decision: 'approve' | 'reject';
  claimed: string;
  outcome: 'valid' | 'invalid' | 'unchecked';
  detail: string;
}

export interface DecisionCheckOptions {
  people: PeopleDirectory;
  /** Without it, Slack decisions are reported as unchecked. */
  slackSigningSecret?: string;
}

export async function verifyDecisionSignatures(
  run: RunHistory,
  options: DecisionCheckOptions,
): Promise<DecisionSignatureCheck[]> {
  const checks: DecisionSignatureCheck[] = [];
  for (const event of run.history.events ?? []) {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (request?.input?.name !== 'decide') continue;
    const updateId = request.meta?.updateId ?? '?';
    const parsed = decisionArgsRecord.safeParse(decodePayload(request.input.args?.payloads?.[0], () => {}));
    if (!parsed.success) continue;
    const args = parsed.data;
    const base = { updateId, stepId: args.stepId, decision: args.decision, claimed: args.approver };
    const proof = args.proof;
    if (!proof) {
      checks.push({
        ...base,
        outcome: 'unchecked',
        detail: 'not signed (recorded before decisions were verified, or forged)',
      });
      continue;
    }
    if (proof.kind === 'slack' && !options.slackSigningSecret) {
      checks.push({ ...base, outcome: 'unchecked', detail: 'a Slack decision; SLACK_SIGNING_SECRET is not set here' });
      continue;
    }
    // As of when it was made: the check is of the signature and what it covers, not of its age today.
    const madeAt = proof.kind === 'slack' ? Number(proof.timestamp) * 1000 : Date.parse(proof.issuedAt);
    const verify = createDecisionVerifier({
      people: options.people,
      slackSigningSecret: options.slackSigningSecret,
      now: () => madeAt,
    });
    const verdict = await verify({
      workflowId: run.workflowId ?? '',
      decision: { ...args, inputsHash: args.inputsHash ?? '', proof },
    });
    if (!verdict.verified && proof.kind === 'key' && !options.people.byKey(proof.publicKey)) {
      // A key this machine's directory does not list (another directory, or a person since removed): the signature
      // can still be checked, who signed cannot.
      const payload = {
        workflowId: run.workflowId ?? '',
        stepId: args.stepId,
        decision: args.decision,
        inputsHash: args.inputsHash ?? '',
        reason: args.reason ?? null,
        issuedAt: proof.issuedAt,
        nonce: proof.nonce,
      };
      const holds = verifyDecisionSignature(proof.publicKey, payload, proof.signature);
      checks.push({
        ...base,
        outcome: holds ? 'unchecked' : 'invalid',
        detail: holds
          ? `the signature by key ${keyFingerprint(proof.publicKey)} holds, but this people directory does not list the key`
          : `the signature by key ${keyFingerprint(proof.publicKey)} does not cover this run, step, decision, inputs and reason`,
      });
      continue;
    }
    checks.push(
      verdict.verified
        ? { ...base, outcome: 'valid', detail: `${verdict.method}, person ${verdict.person.id}` }
        : { ...base, outcome: 'invalid', detail: verdict.problem },
    );
  }
  return checks;
}
