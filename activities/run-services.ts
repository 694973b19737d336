/**
 * What the interpreter needs from the world besides actions: who is in an approver group, and where to tell people
 * about a run (Slack, the worker log). These are ports; the worker composes their implementations.
 */
import type { ApproverSet } from '../dsl/plan';
import type { ApprovalState, RunState } from '../workflows/run-state';
import { identitiesOf, PeopleDirectory } from '../people/directory';
import {
  createDecisionVerifier,
  type DecisionVerdict,
  type PersonResolver,
  type VerifyDecisionInput,
} from './verify-decision';

/** Resolves approver groups to identities. */
export interface Directory {
  /** Members of a group; throws when the group does not exist, so a typo cannot leave a gate with no approver. */
  membersOf(group: string): Promise<string[]>;
}

export type RunEvent =
  | { kind: 'progress'; state: RunState }
  | { kind: 'approval_requested'; state: RunState; approval: ApprovalState }
  | { kind: 'approval_decided'; state: RunState; approval: ApprovalState }
  | { kind: 'approval_escalated'; state: RunState; approval: ApprovalState; channel?: string }
  | { kind: 'run_finished'; state: RunState };

/**
 * Opaque references a notifier keeps between events of one run (e.g. the Slack message to update). The workflow stores
 * them and hands them back, so a restarted worker updates the same messages instead of posting new ones.
 */
export type NotificationRefs = Record<string, string>;

export interface Notifier {
  notify(event: RunEvent, refs: NotificationRefs): Promise<NotificationRefs>;
}

/** Input of the `cordon.notify` activity. */
export interface NotifyInput {
  event: RunEvent;
  refs: NotificationRefs;
}

/** An approver set to resolve, and who may never decide on this run whichever identity lists them. */
export interface ApproverQuery extends ApproverSet {
  /**
   * Identities of the people who never decide on the run (its requester, its subject, whoever its detections name):
   * an approver who is one of them, by any of their identities in the people directory, is left out.
   */
  exclude?: string[];
}

export interface RunServices {
  'cordon.resolve_approvers'(approvers: ApproverQuery): Promise<string[]>;
  'cordon.notify'(input: NotifyInput): Promise<NotificationRefs>;
  /** Verifies where a decision came from and who made it (see verify-decision.ts); never throws for a bad proof. */
  'cordon.verify_decision'(input: VerifyDecisionInput): Promise<DecisionVerdict>;
}

/**
 * Builds the interpreter's service activities over a directory, a notifier, a decision verifier (by default one that
 * verifies nobody: an empty people directory and no Slack signing secret) and who is who (by default nobody is known,
 * so approvers are left out only by the very identity excluded).
 */
export function createRunServices(
  directory: Directory,
  notifier: Notifier,
  verifyDecision: (input: VerifyDecisionInput) => Promise<DecisionVerdict> = createDecisionVerifier({
    people: new PeopleDirectory(),
  }),
  personOf: PersonResolver = async () => undefined,
): RunServices {
  const excludedBy = async (approver: string, excluded: ReadonlySet<string>): Promise<boolean> => {
    if (excluded.has(approver.toLowerCase())) return true;
    const person = await personOf(approver);
    return person !== undefined && identitiesOf(person).some((identity) => excluded.has(identity));
  };
  return {
    'cordon.resolve_approvers': async ({ users, groups, exclude = [] }) => {
      const members = await Promise.all(groups.map((group) => directory.membersOf(group)));
      const all = [...new Set([...users, ...members.flat()])].sort();
      if (exclude.length === 0) return all;
      const excluded = new Set(exclude.map((identity) => identity.toLowerCase()));
      const left = await Promise.all(
        all.map(async (approver) => ((await excludedBy(approver, excluded)) ? [] : [approver])),
      );
      return left.flat();
    },
    'cordon.notify': async ({ event, refs }) => notifier.notify(event, refs),
    'cordon.verify_decision': verifyDecision,
  };
}
