/**
 * Fault: decisions that must never count. Two okta-account-compromise runs wait at their lock-down approval on cordon's
 * real worker (a child process). The target run contains bob, who is on call himself, and was requested by someone
 * also on call; it receives, drawn at random, approvals by someone outside the approver group (mallory, with her own
 * valid key), by a key no directory lists, by the requester, by the subject, over a stale inputs hash, unsigned,
 * forged (another key under the responder's name), replayed from the other run, and past the signature's window. The
 * other run is approved once by the responder, and that signed decision is then sent again and again (duplicates).
 * The outcome is read at the local Okta (no factor reset or suspension of bob; the other victim's made once) and in
 * the runs' histories (no attack counted).
 */
import { randomBytes } from 'node:crypto';
import { DecisionRefusedError, decide as send, signedDecision } from '../../runs/decide';
import { signDecision } from '../../people/decision-signature';
import type { SeededRandom } from '../../stand-ins/seeded-random';
import { statusQuery, type ApprovalDecision } from '../../workflows/messages';
import { decideUpdates } from '../support/history';
import { STRANGER_KEY, keyOf } from '../support/people';
import { driveAccountRun, oktaOutcome, pendingLockDownHash, startAccountRun } from './account-run';
import { openAccountWorld, type AccountWorld, type TemporalTarget } from './account-world';
import type { ScenarioFigures } from './figures';

export const APPROVAL_ATTACKS = [
  'unauthorised',
  'unknown-key',
  'self',
  'subject',
  'stale-hash',
  'unsigned',
  'forged',
  'replayed',
  'expired',
  'duplicate',
] as const;
export type ApprovalAttack = (typeof APPROVAL_ATTACKS)[number];

/** Why each attack must be refused: a refusal for another reason means a check did not do its work. */
const EXPECTED_REFUSAL: Record<ApprovalAttack, RegExp> = {
  unauthorised: /mallory is not an approver of step "factors"/,
  'unknown-key': /not verified: key SHA256:\w+ is not in the people directory/,
  self: /requester requested this run and cannot approve or reject its steps/,
  subject: /bob is the subject of this containment \(bob@example\.com\)/,
  'stale-hash': /the decision is about other inputs/,
  unsigned: /not verified: the decision is not signed/,
  forged: /not verified: the signature by key SHA256:\w+ does not cover this run/,
  replayed: /not verified: the signature by key SHA256:\w+ does not cover this run/,
  expired: /outside the \d+s window/,
  duplicate: /step "factors" was already approved|already used once|has already decided|has ended \(COMPLETED\)/,
};

export interface ApprovalAttacksOptions {
  attempts: number;
  random: SeededRandom;
  log?: (line: string) => void;
}

/** What one attempt got back: refused (with the run's reason), accepted, or another error. */
type Answer = { kind: 'refused'; reason: string } | { kind: 'accepted' } | { kind: 'error'; message: string };

async function attempt(world: AccountWorld, workflowId: string, decision: ApprovalDecision): Promise<Answer> {
  try {
    await world.client.withDeadline(Date.now() + 30_000, () => send(world.client, workflowId, decision));
    return { kind: 'accepted' };
  } catch (error) {
    if (error instanceof DecisionRefusedError) return { kind: 'refused', reason: error.message };
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** The decision an attack sends to `target` (whose gate's hash is `hash`); `other` is the run approved legitimately. */
function attackDecision(
  attack: Exclude<ApprovalAttack, 'duplicate'>,
  target: { workflowId: string; hash: string },
  other: { workflowId: string; hash: string },
): ApprovalDecision {
  const base = { stepId: 'factors', decision: 'approve' as const, inputsHash: target.hash };
  switch (attack) {
    case 'unauthorised':
      return signedDecision(keyOf('mallory'), target.workflowId, { ...base, approver: 'mallory' });
    case 'unknown-key':
      return signedDecision(STRANGER_KEY, target.workflowId, { ...base, approver: 'responder' });
    case 'self':
      return signedDecision(keyOf('requester'), target.workflowId, { ...base, approver: 'requester' });
    case 'subject':
      return signedDecision(keyOf('bob'), target.workflowId, { ...base, approver: 'bob' });
    case 'stale-hash':
      return signedDecision(keyOf('responder'), target.workflowId, {
        ...base,
        inputsHash: randomBytes(32).toString('hex'),
        approver: 'responder',
      });
    case 'unsigned':
      return { ...base, approver: 'responder' };
    case 'forged':
      return signedDecision(
        { privateKey: STRANGER_KEY.privateKey, publicKey: keyOf('responder').publicKey },
        target.workflowId,
        { ...base, approver: 'responder' },
      );
    case 'replayed': {
      // The responder's genuine approval of the other run, sent here with this run's hash.
      const genuine = signedDecision(keyOf('responder'), other.workflowId, {
        ...base,
        inputsHash: other.hash,
        approver: 'responder',
      });
      return { ...genuine, inputsHash: target.hash };
    }
    case 'expired': {
      // A genuine approval of this very run, signed an hour ago and kept for later.
      const fresh = signedDecision(keyOf('responder'), target.workflowId, { ...base, approver: 'responder' });
      if (fresh.proof?.kind !== 'key') throw new Error('a key decision without a key proof');
      const issuedAt = new Date(Date.now() - 3_600_000).toISOString();
      const signature = signDecision(keyOf('responder').privateKey, {
        workflowId: target.workflowId,
        stepId: 'factors',
        decision: 'approve',
        inputsHash: target.hash,
        reason: null,
        issuedAt,
        nonce: fresh.proof.nonce,
      });
      return { ...fresh, proof: { ...fresh.proof, issuedAt, signature } };
    }
  }
}

export async function approvalAttacksScenario(
  temporal: TemporalTarget,
  options: ApprovalAttacksOptions,
): Promise<ScenarioFigures> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  // The requester and bob are on call too: only the rules about who may decide, not group membership, refuse them.
  const world = await openAccountWorld(temporal, 'approvals', { approvers: ['responder', 'requester', 'bob'] });
  const failures: string[] = [];
  try {
    await world.startWorker();
    const target = await startAccountRun(world, 'bob@example.com');
    const other = await startAccountRun(world, `approved-${Date.now()}@corp.example`);
    const targetGate = { workflowId: target.workflowId, hash: await pendingLockDownHash(world, target) };
    const otherGate = { workflowId: other.workflowId, hash: await pendingLockDownHash(world, other) };

    const kinds = Array.from({ length: options.attempts }, (_, index) =>
      // Every kind at least once when there are enough attempts; the rest drawn at random.
      index < APPROVAL_ATTACKS.length ? APPROVAL_ATTACKS[index] : options.random.pick(APPROVAL_ATTACKS),
    ).filter((kind): kind is ApprovalAttack => kind !== undefined);
    const byKind = Object.fromEntries(
      APPROVAL_ATTACKS.map((kind) => [kind, { attempts: 0, refused: 0, accepted: 0, errors: 0 }]),
    );
    const reasons = new Map<string, string>();
    const tally = (kind: ApprovalAttack, answer: Answer) => {
      const row = byKind[kind];
      if (!row) return;
      row.attempts += 1;
      if (answer.kind === 'refused') {
        row.refused += 1;
        if (!reasons.has(kind)) reasons.set(kind, answer.reason);
        if (!EXPECTED_REFUSAL[kind].test(answer.reason))
          failures.push(`a ${kind} approval was refused for another reason than expected: ${answer.reason}`);
      } else if (answer.kind === 'accepted') {
        row.accepted += 1;
        failures.push(`a ${kind} approval was accepted`);
      } else {
        row.errors += 1;
        failures.push(`a ${kind} approval got neither a refusal nor an acceptance: ${answer.message}`);
      }
    };

    for (const kind of kinds) {
      if (kind === 'duplicate') continue;
      tally(kind, await attempt(world, target.workflowId, attackDecision(kind, targetGate, otherGate)));
    }
    // The other run is approved once, genuinely; every duplicate of that very decision must be refused.
    const genuine = signedDecision(keyOf('responder'), other.workflowId, {
      stepId: 'factors',
      decision: 'approve',
      inputsHash: otherGate.hash,
      approver: 'responder',
    });
    const first = await attempt(world, other.workflowId, genuine);
    if (first.kind !== 'accepted')
      failures.push(`the genuine approval of the other run was not accepted: ${JSON.stringify(first)}`);
    for (const kind of kinds) if (kind === 'duplicate') tally(kind, await attempt(world, other.workflowId, genuine));
    const otherRun = await driveAccountRun(world.client, other, 120_000, { approve: false });

    // The outcome where it counts: the local Okta, and what each run's history counted.
    const targetOkta = oktaOutcome(world.okta, target.victim);
    const otherOkta = oktaOutcome(world.okta, other.victim);
    const targetState = await target.handle.query(statusQuery);
    const targetGateState = targetState.approvals.find((approval) => approval.stepId === 'factors');
    const targetCounted = (await decideUpdates(target.handle)).filter((update) => update.counted).length;
    const otherCounted = (await decideUpdates(other.handle)).filter((update) => update.counted).length;
    if (targetOkta.writes.resetFactors > 0 || targetOkta.writes.suspendUser > 0)
      failures.push(`bob's account was locked down at Okta: ${JSON.stringify(targetOkta.writes)}`);
    if (world.okta.user(target.victim.id)?.status === 'SUSPENDED') failures.push("bob's account is suspended at Okta");
    if (targetGateState?.status !== 'pending' || (targetGateState.decisions.length ?? 0) > 0)
      failures.push(`bob's gate is ${targetGateState?.status} with ${targetGateState?.decisions.length} decision(s)`);
    if (targetCounted > 0) failures.push(`bob's run history counted ${targetCounted} decision(s)`);
    if (otherCounted !== 1) failures.push(`the other run's history counted ${otherCounted} decisions, not 1`);
    if (otherRun.closed !== 'COMPLETED' || otherRun.runStatus !== 'succeeded')
      failures.push(`the genuinely approved run ended ${otherRun.closed} (${otherRun.runStatus ?? '?'})`);
    if (otherOkta.doubled.length > 0) failures.push(`made twice at Okta: ${otherOkta.doubled.join(', ')}`);
    if (!otherOkta.contained) failures.push('the genuinely approved account is not contained');
    await target.handle.cancel();

    const accepted = Object.values(byKind).reduce((sum, row) => sum + row.accepted, 0);
    const refused = Object.values(byKind).reduce((sum, row) => sum + row.refused, 0);
    log(`approval attacks: ${refused}/${kinds.length} refused, ${accepted} accepted`);
    return {
      fault:
        'unauthorised, unknown-key, self, subject, stale-hash, unsigned, forged, replayed, expired, duplicate approvals',
      seed: options.random.seed,
      attempts: kinds.length,
      outcome:
        `${refused}/${kinds.length} refused, ${accepted} accepted; bob's account unchanged at Okta ` +
        `(${targetOkta.writes.resetFactors + targetOkta.writes.suspendUser} lock-down writes), the approved run's writes once each`,
      violations: accepted + (targetCounted > 0 ? targetCounted : 0) + Math.max(0, otherCounted - 1),
      mustHold: '0 accepted; no lock-down at Okta; each decision counted once',
      held: failures.length === 0,
      durationMs: Date.now() - began,
      failures,
      details: { byKind, reasons: Object.fromEntries(reasons), targetOkta, otherOkta },
    };
  } finally {
    await world.close();
  }
}
