/**
 * `cordon.verify_decision`: the worker's own check of where a decision came from, before it counts. A Slack decision
 * must carry a request that Slack signed with the signing secret this worker holds, fresh, whose clicked button names
 * this run, step, decision and inputs hash, and whose typed reason is the decision's; a CLI decision must be signed by
 * a key listed in the people directory, recently, over this run, step, decision, hash and reason. The verdict names
 * the person (all their identities), so the workflow can compare requester, subject and approvers as people.
 * Policy (approver? requester? subject? used before?) stays in the workflow, where it is recorded.
 */
import { keyFingerprint, verifyDecisionSignature } from '../people/decision-signature';
import { identitiesOf, type PeopleDirectory, type Person } from '../people/directory';
import { checkSlackClick } from '../slack/signed-request';
import type { ApprovalDecision } from '../workflows/messages';

export type DecisionChannel = 'slack' | 'cli';

export interface VerifiedPerson {
  id: string;
  name?: string;
  /** Lowercased: id, Slack id, Okta login, e-mails. */
  identities: string[];
}

export type DecisionVerdict =
  | {
      verified: true;
      person: VerifiedPerson;
      channel: DecisionChannel;
      /** How it was verified, for the audit (`Slack request signature, user U0…` / `Ed25519 key SHA256:…`). */
      method: string;
      /** Unique per signed request: the run refuses one it has seen. */
      proofId: string;
    }
  | { verified: false; channel: DecisionChannel | 'none'; problem: string; proofId?: string };

export interface VerifyDecisionInput {
  workflowId: string;
  decision: ApprovalDecision;
}

export interface DecisionVerifierOptions {
  people: PeopleDirectory;
  /** The Slack app's signing secret; without it no Slack decision can be verified. */
  slackSigningSecret?: string;
  /** A Slack user's profile e-mail (`users.info`), for a person listed without a Slack id. */
  slackEmailOf?: (userId: string) => Promise<string | undefined>;
  /**
   * How old a CLI decision may be.
   * @default 600000
   */
  keyMaxAgeMs?: number;
  now?: () => number;
}

function personOf(person: Person): VerifiedPerson {
  return { id: person.id, ...(person.name ? { name: person.name } : {}), identities: identitiesOf(person) };
}

/** Finds the person an identity names: in the directory, or (a Slack user id) by their Slack profile e-mail. */
export type PersonResolver = (identity: string) => Promise<Person | undefined>;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export function createPersonResolver(
  options: Pick<DecisionVerifierOptions, 'people' | 'slackEmailOf'>,
): PersonResolver {
  return async (identity) => {
    const listed = options.people.byIdentity(identity);
    if (listed || !options.slackEmailOf || !SLACK_USER_ID.test(identity)) return listed;
    const email = await options.slackEmailOf(identity);
    const person = email ? options.people.byIdentity(email) : undefined;
    // A person listed with another Slack id is not this Slack user, whatever the e-mail says.
    return person && !person.slack ? person : undefined;
  };
}

export function createDecisionVerifier(
  options: DecisionVerifierOptions,
): (input: VerifyDecisionInput) => Promise<DecisionVerdict> {
  const now = options.now ?? Date.now;
  const keyMaxAgeMs = options.keyMaxAgeMs ?? 10 * 60 * 1000;
  const slackPerson = createPersonResolver(options);

  return async ({ workflowId, decision }) => {
    const proof = decision.proof;
    if (!proof) return { verified: false, channel: 'none', problem: 'the decision is not signed' };

    if (proof.kind === 'slack') {
      const proofId = `slack:${proof.signature}`;
      const refuse = (problem: string): DecisionVerdict => ({ verified: false, channel: 'slack', problem, proofId });
      if (!options.slackSigningSecret) {
        return refuse(
          'this worker has no Slack signing secret (SLACK_SIGNING_SECRET), so it cannot verify a Slack decision',
        );
      }
      const check = checkSlackClick(proof, options.slackSigningSecret, now());
      if (!check.ok) return refuse(check.problem);
      const { click } = check;
      if (click.reference.workflowId !== workflowId || click.reference.stepId !== decision.stepId) {
        return refuse(
          `the signed click is about run ${click.reference.workflowId} step "${click.reference.stepId}", not this one`,
        );
      }
      if (click.decision !== decision.decision)
        return refuse(`the signed click is a ${click.decision}, not a ${decision.decision}`);
      if (click.reference.inputsHash !== decision.inputsHash) return refuse('the signed click names other inputs');
      if ((click.reason ?? '') !== (decision.reason?.trim() ?? ''))
        return refuse('the reason is not the one typed in Slack');
      const person = await slackPerson(click.userId);
      if (!person) return refuse(`Slack user ${click.userId} is not in the people directory`);
      // Known by their profile e-mail, the person is also this Slack user: approver lists name them by Slack id.
      const known = personOf(person);
      const identities = [...new Set([...known.identities, click.userId.toLowerCase()])];
      return {
        verified: true,
        person: { ...known, identities },
        channel: 'slack',
        method: `Slack request signature, user ${click.userId}`,
        proofId,
      };
    }

    const proofId = `key:${proof.nonce}`;
    const refuse = (problem: string): DecisionVerdict => ({ verified: false, channel: 'cli', problem, proofId });
    const person = options.people.byKey(proof.publicKey);
    if (!person) return refuse(`key ${keyFingerprint(proof.publicKey)} is not in the people directory`);
    const issuedAt = Date.parse(proof.issuedAt);
    if (!Number.isFinite(issuedAt)) return refuse('the signed decision has no valid issuedAt');
    if (now() - issuedAt > keyMaxAgeMs || issuedAt - now() > 60_000) {
      return refuse(`the signed decision was issued at ${proof.issuedAt}, outside the ${keyMaxAgeMs / 1000}s window`);
    }
    const payload = {
      workflowId,
      stepId: decision.stepId,
      decision: decision.decision,
      inputsHash: decision.inputsHash,
      reason: decision.reason ?? null,
      issuedAt: proof.issuedAt,
      nonce: proof.nonce,
    };
    if (!verifyDecisionSignature(proof.publicKey, payload, proof.signature)) {
      return refuse(
        `the signature by key ${keyFingerprint(proof.publicKey)} does not cover this run, step, decision, inputs and reason`,
      );
    }
    return {
      verified: true,
      person: personOf(person),
      channel: 'cli',
      method: `Ed25519 key ${keyFingerprint(proof.publicKey)}`,
      proofId,
    };
  };
}
