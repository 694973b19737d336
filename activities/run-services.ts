/**
 * What the interpreter needs from the world besides actions: who is in an approver group, and where to tell people
 * about a run (Slack, the worker log). These are ports; the worker composes their implementations.
 */
import type { ApproverSet } from '../dsl/plan';
import type { ApprovalState, RunState } from '../workflows/run-state';
import { PeopleDirectory } from '../people/directory';
import { createDecisionVerifier, type DecisionVerdict, type VerifyDecisionInput } from './verify-decision';

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

export interface RunServices {
  'cordon.resolve_approvers'(approvers: ApproverSet): Promise<string[]>;
  'cordon.notify'(input: NotifyInput): Promise<NotificationRefs>;
  /** Verifies where a decision came from and who made it (see verify-decision.ts); never throws for a bad proof. */
  'cordon.verify_decision'(input: VerifyDecisionInput): Promise<DecisionVerdict>;
}

/**
 * Builds the interpreter's service activities over a directory, a notifier and a decision verifier (by default one
 * that verifies nobody: an empty people directory and no Slack signing secret).
 */
export function createRunServices(
  directory: Directory,
  notifier: Notifier,
  verifyDecision: (input: VerifyDecisionInput) => Promise<DecisionVerdict> = createDecisionVerifier({
    people: new PeopleDirectory(),
  }),
): RunServices {
  return {
    'cordon.resolve_approvers': async ({ users, groups }) => {
      const members = await Promise.all(groups.map((group) => directory.membersOf(group)));
      return [...new Set([...users, ...members.flat()])].sort();
    },
    'cordon.notify': async ({ event, refs }) => notifier.notify(event, refs),
    'cordon.verify_decision': verifyDecision,
  };
}
