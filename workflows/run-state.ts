/**
 * The state of a run as the status Query returns it, and as notifiers (Slack, the CLI) render it. Plain JSON.
 */
import type { StepEffect } from '../activities/effect-services';
import type { Impact } from '../dsl/plan';
import type { LimitHold } from './limit-hold-records';

export const STEP_STATUSES = [
  'pending',
  'waiting_approval',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'rejected',
  'cancelled',
  'undone',
  'undo_failed',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Whether a step has ended: it is no longer pending, waiting for an approval or running. */
export function stepEnded(status: StepStatus): boolean {
  return status !== 'pending' && status !== 'waiting_approval' && status !== 'running';
}

export const RUN_STATUSES = ['running', 'waiting_approval', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Who or what started a run. */
export interface Trigger {
  kind: 'cli' | 'slack' | 'detection' | 'api';
  /** The detection source (`okta`, a SIEM name), the Slack channel, or the CLI host. */
  source?: string;
  /** The event id or request id that caused the start. */
  reference?: string;
  /** When the detection says its event happened (ISO 8601): where the time to first containment is counted from. */
  detectedAt?: string;
  /** Slack channel (and thread) where progress goes, when the run started from Slack. */
  channel?: string;
}

export interface StepError {
  type: string;
  message: string;
}

export interface ItemState {
  index: number;
  item: unknown;
  status: StepStatus;
  output?: unknown;
  error?: StepError;
  /** Why the item was skipped (e.g. its item of a step it needs did not succeed). */
  reason?: string;
}

/** A change to one item of a `forEach` step. */
export type ItemChange = Partial<Pick<ItemState, 'status' | 'output' | 'error' | 'reason'>>;

export interface StepState {
  id: string;
  action: string;
  impact: Impact;
  status: StepStatus;
  /** Why a step was skipped, rejected or cancelled. */
  reason?: string;
  input?: unknown;
  output?: unknown;
  /** Why `output` (and the items' outputs) are missing from this answer: too large to send (payload-budget.ts). */
  outputOmitted?: string;
  error?: StepError;
  startedAt?: string;
  endedAt?: string;
  /** Per-item state of a `forEach` step. */
  items?: ItemState[];
  /** The undo and how it went; `reason` says why it ran without an approval (the playbook's `unattended`). */
  undo?: { action: string; status: 'succeeded' | 'failed'; output?: unknown; error?: StepError; reason?: string };
}

export interface ApprovalDecisionRecord {
  /** The approver identity that matched (a Slack user id, a person id), or `timeout`. */
  approver: string;
  decision: 'approve' | 'reject';
  reason?: string;
  at: string;
  /** `timeout` when a gate's `onTimeout` policy decided. */
  via: 'human' | 'timeout';
  /** The person of the people directory who decided (absent in runs recorded before decisions were verified). */
  person?: string;
  /** Where the decision came from. */
  channel?: 'slack' | 'cli';
  /** How the worker verified it (`Slack request signature, user U0…`, `Ed25519 key SHA256:…`). */
  verification?: string;
  /** Identifies the signed request, so it counts once. */
  proofId?: string;
}

/** A decision that reached the run but did not count: forged, unverifiable, or by someone not allowed. */
export interface RefusedDecisionRecord {
  /** Who the sender said decided. */
  claimed: string;
  /** The verified person, when verification succeeded but policy refused them. */
  person?: string;
  decision: 'approve' | 'reject';
  channel: 'slack' | 'cli' | 'none';
  problem: string;
  at: string;
  proofId?: string;
}

export interface ApprovalState {
  stepId: string;
  action: string;
  impact: Impact;
  /** The resolved inputs the approval binds to, with secret fields masked. */
  input: unknown;
  /**
   * sha256 of the canonical JSON of the resolved inputs (and, with `effects`, of `{ inputs, effects }`); a decision must
   * name it.
   */
  inputsHash: string;
  /** What the gate's `show` gives approvers to look at, resolved (label → value). */
  shown: Record<string, unknown>;
  /** What the gated step and the steps it covers would change, described from reads when it was requested. */
  effects?: StepEffect[];
  approvers: string[];
  required: number;
  requestedAt: string;
  deadline: string;
  escalated: boolean;
  decisions: ApprovalDecisionRecord[];
  /** Decisions refused after they reached the run (the latest few), for the audit. */
  refused?: RefusedDecisionRecord[];
  status: 'pending' | 'approved' | 'rejected';
}

/** A detection alert about the run's subject, attached to the run (the first one included). */
export interface AlertRecord {
  at: string;
  source: string;
  reference?: string;
  summary: string;
  data?: unknown;
}

export interface RunState {
  workflowId: string;
  playbook: { id: string; version: string; title: string; sha256: string };
  requester: string;
  trigger: Trigger;
  subject?: string;
  incidentId?: string;
  inputs: Record<string, unknown>;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  steps: StepState[];
  approvals: ApprovalState[];
  alerts: AlertRecord[];
  /** Changes the governor holds while the run waits for room under a limit (or an approval naming it). */
  holds?: LimitHold[];
}

/** A value as everyone but its owner sees it: nothing in it can be assigned (see `RunTracker`, the run state's owner). */
export type ReadOnlyDeep<T> = T extends readonly (infer U)[]
  ? readonly ReadOnlyDeep<U>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadOnlyDeep<T[K]> }
    : T;

/** The run state as the interpreter, the gates and the vouch Query read it. */
export type RunStateView = ReadOnlyDeep<RunState>;

/** What a run returns when it ends (a failed run fails the workflow with this in its details). */
export interface RunResult {
  status: RunStatus;
  steps: Array<Pick<StepState, 'id' | 'status' | 'reason' | 'output' | 'outputOmitted' | 'error'>>;
}
