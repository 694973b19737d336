/**
 * The interpreter's messages: an Update for approval decisions, a Query for status, and a Signal that attaches
 * evidence (a further alert about the same subject). Clients import these definitions, never the workflow itself.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalState, EvidenceRecord, RunState } from './run-state';

export interface ApprovalDecision {
  stepId: string;
  decision: 'approve' | 'reject';
  /** The identity of the person deciding (a Slack user id, or `--as` on the CLI). */
  approver: string;
  /** The hash shown with the request; a decision about other inputs is refused. */
  inputsHash: string;
  /** Optional when approving, required when rejecting. */
  reason?: string;
}

/** Approve or reject a pending step; the validator refuses anything not allowed, leaving the run unchanged. */
export const decideUpdate = defineUpdate<ApprovalState, [ApprovalDecision]>('decide');

/** The run's state: steps, approvals, evidence. */
export const statusQuery = defineQuery<RunState>('status');

/** Another alert about the run's subject: recorded as evidence, starts nothing new. */
export const evidenceSignal = defineSignal<[Omit<EvidenceRecord, 'at'>]>('evidence');
