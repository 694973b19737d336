/**
 * The separate approval that lets held changes pass a governor limit, for the chunks of a large `forEach` (child
 * workflows, which have no gates of their own). A chunk whose change is held signals its run (`chunkLimitHeld`); the
 * run asks the approval once per step and limit, as for its own changes (limit-approvals.ts), and signals each chunk
 * that asked the outcome (`chunkLimitVerdict`).
 *
 * A signal says nothing of who sent it, so a verdict is only a reason to try again: the worker's governor guard honours
 * a chunk's approved limit only once it has read the approval as approved in the run's own state (see
 * activities/governor-guard.ts). Chunks recorded before this waited for room; the patch marks those that ask.
 */
import { getExternalWorkflowHandle, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PlanStep } from '../dsl/plan';
import { approvedLimit, approveLimit, useLimitApprovals } from './governor-hold';
import type { LimitApprovals } from './limit-approvals';
import type { ChunkLimitHeld, ChunkLimitVerdict, LimitApprovalOutcome } from './limit-hold-records';
import { chunkLimitHeldSignal, chunkLimitVerdictSignal } from './messages';

export const CHUNK_LIMIT_APPROVAL_PATCH = 'cordon-chunk-limit-approval';

const keyOf = (stepId: string, limit: string) => `${stepId}\u0000${limit}`;

/** A chunk that ended before the verdict has nobody to tell: its signal fails, and that is fine. */
function tell(chunk: string, verdict: ChunkLimitVerdict): void {
  void getExternalWorkflowHandle(chunk)
    .signal(chunkLimitVerdictSignal, verdict)
    .catch(() => undefined);
}

/** In the run: answers its chunks' holds with the run's own limit approvals. */
export function relayChunkLimitHolds(approvals: LimitApprovals): void {
  /** The chunks waiting for each step and limit's approval. */
  const waiting = new Map<string, Set<string>>();
  setHandler(chunkLimitHeldSignal, (held) => {
    const approved = approvedLimit(held.stepId, held.limit);
    if (approved) {
      tell(held.chunk, { stepId: held.stepId, limit: held.limit, outcome: { approved: true, by: approved.by } });
      return;
    }
    const key = keyOf(held.stepId, held.limit);
    const chunks = waiting.get(key);
    if (chunks) {
      chunks.add(held.chunk);
      return;
    }
    const asking = new Set([held.chunk]);
    waiting.set(key, asking);
    const outcome = approvals(held.stepId, held.limit, held.description, () => waiting.has(key));
    // A step without approvers has nobody to ask: its chunks wait for room, as the run's own changes do.
    if (!outcome) return;
    void outcome.then((verdict) => {
      waiting.delete(key);
      if (verdict.approved) approveLimit(held.stepId, held.limit, verdict.by);
      for (const chunk of asking) tell(chunk, { stepId: held.stepId, limit: held.limit, outcome: verdict });
    });
  });
}

/** In a chunk, before its first await: asks the run instead of waiting for room only. */
export function askRunForLimitApprovals(step: PlanStep): void {
  if (!step.approval || !patched(CHUNK_LIMIT_APPROVAL_PATCH)) return;
  const parent = workflowInfo().parent;
  if (!parent) return;
  const answers = new Map<string, (outcome: LimitApprovalOutcome) => void>();
  setHandler(chunkLimitVerdictSignal, (verdict) => {
    const key = keyOf(verdict.stepId, verdict.limit);
    answers.get(key)?.(verdict.outcome);
    answers.delete(key);
  });
  useLimitApprovals((stepId, limit, description) => {
    const answered = new Promise<LimitApprovalOutcome>((resolve) => answers.set(keyOf(stepId, limit), resolve));
    const held: ChunkLimitHeld = { chunk: workflowInfo().workflowId, stepId, limit, description };
    void getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(chunkLimitHeldSignal, held);
    return answered;
  });
}
