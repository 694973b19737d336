/**
 * An action is what a playbook step names (`okta.suspend_user`). Its spec is static (name, schemas, impact, undo) so
 * the loader, linter, `cordon actions` and the JSON Schema can use it without any client; its handler is bound to
 * injected clients when the worker starts (see `activities/index.ts`).
 */
import type { z } from 'zod';
import type { Impact } from '../dsl/plan';

export interface ActionUndo {
  /** The action that reverses this one. */
  action: string;
  /** Templates over this step's resolved `input` and its `output`, giving the undo action's input. */
  with: Record<string, string>;
}

export interface ActionSpec<
  Name extends string = string,
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodType = z.ZodType,
  ActionImpact extends Impact = Impact,
> {
  name: Name;
  /** One sentence, shown by `cordon actions` and to approvers. */
  description: string;
  impact: ActionImpact;
  input: Input;
  output: Output;
  /**
   * Marks the output as evidence kept for the investigation (a snapshot of what containment will erase) and says it in
   * one line: the audit lists every such output under Evidence, whole, with this line.
   */
  evidence?(output: z.output<Output>): string;
  /** The default undo, used by `onFailure: undo` unless a step names its own. */
  undo?: ActionUndo;
  /**
   * Runs as a child workflow of this type instead of an activity (long work such as following a takedown for days);
   * such an action has no handler. The workflow validates its own input. With `joinSignal`, a step that finds the
   * detached child already running (same id) sends it this signal with its own input, so the child learns what the
   * joining run adds. `actions` are the actions that workflow runs as its activities (a playbook test may can them).
   */
  workflow?: { type: string; detach: boolean; id?: string; joinSignal?: string; actions?: readonly string[] };
}

/** Declares an action spec, keeping its literal name, impact and schema types. */
export function defineAction<
  Name extends string,
  Input extends z.ZodObject,
  Output extends z.ZodType,
  ActionImpact extends Impact,
>(spec: ActionSpec<Name, Input, Output, ActionImpact>): ActionSpec<Name, Input, Output, ActionImpact> {
  return spec;
}

/**
 * A separate, verified approval that named one protected account (approval id `protected:<step>:<user id>`), which the
 * run's own workflow code hands the activity (a plan cannot: it fills only the first argument).
 */
export interface ApprovedPrincipal {
  /** The Okta user id the approval named: it unlocks that account and no other. */
  userId: string;
  approval: string;
  /** Who approved (people, comma-separated). */
  by: string;
}

/** What a handler gets besides its input: a heartbeat for long work, and a signal that says the step was cancelled. */
export interface ActionContext {
  /**
   * Protected accounts a separate approval of this change named (see `ApprovedPrincipal`), each in a grant the worker
   * signed for this very call (see principal-grants.ts).
   */
  approvedPrincipals?: readonly ApprovedPrincipal[];
  /** Grants the call carried that the worker did not sign for it: they unlock nothing, and the refusal says why. */
  refusedPrincipals?: ReadonlyArray<{ userId: string; problem: string }>;
  heartbeat(details?: unknown): void;
  /** Aborted when the run is cancelled or the activity times out. */
  signal: AbortSignal;
  /** The workflow id of the run, useful as an idempotency key towards outside services. */
  workflowId: string;
  /** The step (and item) this call belongs to, e.g. `suspend` or `takedown[2]`. */
  activityId: string;
  attempt: number;
  /** When the step's first attempt was scheduled (ISO 8601): what a retry looks for traces of an earlier attempt since. */
  scheduledAt?: string;
  log: ActionLogger;
}

export interface ActionLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** The implementation of one action. Throw an `ActionError` (see `activities/errors.ts`) to say how a failure retries. */
export type ActionHandler<Spec extends ActionSpec> = (
  input: z.output<Spec['input']>,
  context: ActionContext,
) => Promise<z.input<Spec['output']>>;

/** Handlers for a list of specs, keyed by action name: the compiler checks that every spec has one. */
export type ActionHandlers<Specs extends readonly ActionSpec[]> = {
  [Spec in Specs[number] as Spec['name']]: ActionHandler<Spec>;
};
