/**
 * The interpreter's messages: an Update for approval decisions, a Query for status, and a Signal that attaches
 * an alert (a further detection about the same subject). Clients import these definitions, never the workflow itself.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChunkLimitHeld, ChunkLimitVerdict, LimitHold } from './limit-hold-records';
import type { AlertRecord, ApprovalState, RunState } from './run-state';

/** A request exactly as Slack signed it. */
export interface SignedRequest {
  /** The request body exactly as received (form-encoded). */
  body: string;
  /** `X-Slack-Request-Timestamp`. */
  timestamp: string;
  /** `X-Slack-Signature` (`v0=…`). */
  signature: string;
}

/**
 * Where a decision came from, as the worker re-checks it: the raw Slack request `cordon serve` received (Slack's
 * signature over it names the clicker, the run, the step, the hash and the reason), or a CLI decision signed with the
 * approver's own Ed25519 key over {workflowId, stepId, decision, inputsHash, reason, issuedAt, nonce}.
 */
export type DecisionProof =
  | {
      kind: 'slack';
      /** The request body exactly as received (form-encoded `payload=`). */
      body: string;
      /** `X-Slack-Request-Timestamp`. */
      timestamp: string;
      /** `X-Slack-Signature` (`v0=…`). */
      signature: string;
    }
  | {
      kind: 'key';
      /** `ed25519:…`, as the people directory lists it. */
      publicKey: string;
      issuedAt: string;
      nonce: string;
      /** Base64 Ed25519 signature. */
      signature: string;
    };

export interface ApprovalDecision {
  stepId: string;
  decision: 'approve' | 'reject';
  /**
   * Who the sender says decides (a Slack user id, a person id). Only a claim: the worker counts the person its
   * verification of `proof` names.
   */
  approver: string;
  /** The hash shown with the request; a decision about other inputs is refused. */
  inputsHash: string;
  /** Optional when approving, required when rejecting. */
  reason?: string;
  /** Absent only in histories recorded before decisions were verified. */
  proof?: DecisionProof;
}

/** Approve or reject a pending step; the validator refuses anything not allowed, leaving the run unchanged. */
export const decideUpdate = defineUpdate<ApprovalState, [ApprovalDecision]>('decide');

/** The run's state: steps, approvals, alerts. */
export const statusQuery = defineQuery<RunState>('status');

/** The changes a chunk of a large `forEach` (a `runItemsChunk` child) has held by the governor. */
export const chunkHoldsQuery = defineQuery<LimitHold[]>('chunkHolds');

/** Another alert about the run's subject: attached to the run, starts nothing new. */
/** A chunk's changes are held by a limit: the chunk asks its run for the separate approval naming it. */
export const chunkLimitHeldSignal = defineSignal<[ChunkLimitHeld]>('chunkLimitHeld');

/** The run's answer to a chunk's `chunkLimitHeld`; the worker re-checks an approval in the run before it counts. */
export const chunkLimitVerdictSignal = defineSignal<[ChunkLimitVerdict]>('chunkLimitVerdict');

export const alertSignal = defineSignal<[Omit<AlertRecord, 'at'>]>('alert');

/**
 * The same signal under its name before alerts were called alerts: runs recorded earlier hold it in their histories,
 * and a detection receiver not yet upgraded still sends it.
 */
export const legacyEvidenceSignal = defineSignal<[Omit<AlertRecord, 'at'>]>('evidence');
