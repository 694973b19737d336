/**
 * The compiled plan: plain JSON that is the interpreter workflow's input. It holds everything the run needs, so the
 * workflow history records exactly what ran and a later edit of the YAML cannot change how an old run replays.
 *
 * Sandbox-safe: imported by workflow code.
 */

export const IMPACTS = ['read', 'reversible', 'destructive'] as const;
/** What an action does to the world: reads it, changes it reversibly, or changes it in a way that needs approval. */
export type Impact = (typeof IMPACTS)[number];

export const FAILURE_POLICIES = ['abort', 'continue', 'undo'] as const;
/** What a run does when a step fails: start nothing new, carry on with what does not depend on it, or undo. */
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

export const TIMEOUT_POLICIES = ['reject', 'approve', 'escalate'] as const;
export type TimeoutPolicy = (typeof TIMEOUT_POLICIES)[number];

/** A value in a plan: literal JSON, where any string may hold `${{ expression }}` templates. */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

export interface ApproverSet {
  /** Identities (Slack user ids, or the names given to `cordon approve --as`). */
  users: string[];
  /** Group handles, resolved to members when the approval is requested. */
  groups: string[];
}

export interface PlanApproval {
  approvers: ApproverSet;
  /** How many distinct approvers must approve; any one rejection rejects. */
  required: number;
  /** Milliseconds to wait for a decision. */
  timeoutMs: number;
  onTimeout: TimeoutPolicy;
  /** Who is asked next when `onTimeout` is `escalate`, and for how long. */
  escalation?: { approvers: ApproverSet; timeoutMs: number; channel?: string };
  /** What approvers are shown with the request: label to template. */
  show: Record<string, TemplateValue>;
  /** Later steps this decision also approves; their resolved inputs are part of the request and its hash. */
  covers?: string[];
}

export interface PlanRetry {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface PlanUndo {
  action: string;
  /** Templates over `inputs`, `steps`, and this step's resolved `input` and `output`. */
  with: Record<string, TemplateValue>;
  /** A gate the undo waits on (its approval's step id is `undo:<step>`); a destructive undo action needs one... */
  approval?: PlanApproval;
  /** ...or a stated reason to run without one (recorded in the run). */
  unattended?: { reason: string };
}

/** How an action that runs as a child workflow is started (copied from its registry entry). */
export interface PlanChildWorkflow {
  /** The workflow type, e.g. `takedownMonitor`. */
  type: string;
  /** True: the step succeeds once the child has started, and the child outlives the run (e.g. a monitor for days). */
  detach: boolean;
  /** Template over `input` for the child's workflow id, so one subject gets one child across runs. */
  id?: string;
  /** Signal sent with the step's input to a detached child that is already running (the step joins it). */
  joinSignal?: string;
}

export interface PlanStep {
  id: string;
  /** A human title, for Slack messages and audits. */
  name?: string;
  action: string;
  impact: Impact;
  with: Record<string, TemplateValue>;
  needs: string[];
  /** A CEL condition; the step is skipped when it is false. */
  if?: string;
  /** Run once per item of a list; `item` and `index` are in scope. */
  forEach?: { items: string; concurrency: number };
  /** Start-to-close timeout of one attempt, in milliseconds. */
  timeoutMs: number;
  retry: PlanRetry;
  approval?: PlanApproval;
  /** The step whose approval covers this one (`approval.covers`): it runs only with the inputs approved there. */
  coveredBy?: string;
  /**
   * A destructive step that runs without approval, or whose gate approves it on timeout, because the playbook says why
   * (linted, checked again by the worker, and recorded).
   */
  unattended?: { reason: string };
  undo?: PlanUndo;
  onFailure?: FailurePolicy;
  /** Present when the action runs as a child workflow instead of an activity. */
  workflow?: PlanChildWorkflow;
}

export const INPUT_TYPES = ['string', 'email', 'domain', 'ip', 'cidr', 'number', 'boolean', 'enum', 'list'] as const;
export type InputType = (typeof INPUT_TYPES)[number];
export type ScalarInputType = Exclude<InputType, 'list'>;

export interface PlanInput {
  type: InputType;
  /** Element type of a `list`. */
  of?: ScalarInputType;
  /** The allowed values of an `enum` (or of a list's `enum` items). */
  values?: string[];
  description?: string;
  required: boolean;
  default?: unknown;
}

/** Starts the playbook when a detection event matches; evaluated by the detection receiver, not the workflow. */
export interface PlanTrigger {
  /** The detection source: `okta` for Okta event hooks, or a webhook source name. */
  detection: string;
  /** A bare CEL condition over `event` and `indicators`. */
  when: string;
  /** The playbook's inputs, as templates over `event` and `indicators`. */
  inputs: Record<string, TemplateValue>;
  /** A template over `inputs`, `event` and `indicators`: one run per key; the plan's `dedupe` when absent. */
  dedupe?: string;
}

/**
 * The interpreter versions a worker runs. 1: the first. 2: a step covered by another step's approval may start beside
 * that step (it waits for the decision, not for the step's action). A plan is compiled for the lowest version that
 * runs it, so a worker that knows only version 1 still runs every plan that does not need 2, and refuses the others
 * by name instead of running them another way.
 */
export const INTERPRETER_VERSIONS = [1, 2] as const;
export type InterpreterVersion = (typeof INTERPRETER_VERSIONS)[number];

export interface Plan {
  /** Interpreter version the plan was compiled for; lets a later interpreter keep old runs' behaviour. */
  interpreter: InterpreterVersion;
  id: string;
  version: string;
  title: string;
  description?: string;
  /** sha256 of the YAML source, hex. */
  sha256: string;
  /** The YAML source itself, so an audit shows exactly what ran. */
  source: string;
  /** Where the source was loaded from, for humans. */
  file?: string;
  inputs: Record<string, PlanInput>;
  /** Template naming what the run contains (a user, a domain); a search attribute. */
  subject?: string;
  /** Template for the dedupe key: one run per playbook and key. */
  dedupe?: string;
  onFailure: FailurePolicy;
  steps: PlanStep[];
  /** Detections that start the playbook. */
  triggers?: PlanTrigger[];
}
