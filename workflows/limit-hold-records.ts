/**
 * What the governor's holds and the limit approvals record and send, apart from the code that waits on them: the run's
 * state, its messages and the client read these shapes, and importing them from the waiting code made an import cycle.
 */

/** A change the governor holds, as the status Query shows it. */
export interface LimitHold {
  /** The step and item, e.g. `suspend[30]`. */
  activityId: string;
  stepId: string;
  limit: string;
  /** The limit and its use, e.g. `okta.suspend_user: at most 25 per 1h (25 used)`. */
  description: string;
  since: string;
  /** When the run asks the governor again. */
  nextCheck: string;
  /** When the limit's window has room again; absent for a cap that time does not free (and in older runs). */
  roomAt?: string;
  /** When the change fails `LimitReached` unless the limit lets it go first (absent in older runs). */
  failsAt?: string;
}

/** How a limit approval ended: approved by a person, or refused (rejected, expired or nobody to ask) with the reason. */
export type LimitApprovalOutcome = { approved: true; by: string } | { approved: false; why: string };

/** A chunk's change is held: the chunk asks its run for the limit's approval (`chunkLimitHeld`). */
export interface ChunkLimitHeld {
  /** The chunk's workflow id, where the verdict goes. */
  chunk: string;
  stepId: string;
  limit: string;
  description: string;
}

/** The run's answer to a chunk that asked (`chunkLimitVerdict`). */
export interface ChunkLimitVerdict {
  stepId: string;
  limit: string;
  outcome: LimitApprovalOutcome;
}
