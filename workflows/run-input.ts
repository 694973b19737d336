import type { Plan } from '../dsl/plan';
import type { SignedRequest } from './messages';
import type { Trigger } from './run-state';

/** The interpreter workflow's input: everything a run needs, so its history is self-contained. */
export interface RunPlaybookInput {
  plan: Plan;
  /** Inputs already validated against `plan.inputs` (see `dsl/inputs.ts`). */
  inputs: Record<string, unknown>;
  /** Who asked for the run: a Slack user id, a CLI user, or `detection:<source>`. Never an approver of it. */
  requester: string;
  trigger: Trigger;
  /**
   * For a run started from Slack: the slash command as Slack signed it, which the worker verifies before the run does
   * anything (the requester, channel, playbook and inputs must be the signed ones).
   */
  slackRequest?: SignedRequest;
  /** What is contained (evaluated from `plan.subject` when the run was started). */
  subject?: string;
  incidentId?: string;
  /**
   * Set on a retry (`cordon retry`): the run it continues, and the only items its `forEach` steps run over (those the
   * first run did not complete). Runs without it behave as before.
   */
  retry?: { of: string; items: unknown[] };
  /**
   * Set on an undo (`cordon undo`): the run whose changes its generated plan reverses. The workflow runs the plan like
   * any other; this marks the run so that it is never undone itself.
   */
  undo?: UndoOf;
}

export interface UndoOf {
  /** The workflow id of the run undone. */
  of: string;
  /**
   * Whoever the undone run's detections named (see named-people.ts): like the people this run's own detections name,
   * they never decide on it. Only ever adds people who may not decide, so a caller cannot widen who may.
   */
  named?: string[];
}
