/**
 * How a run waits when the governor holds a change (`LimitReached`): it asks again when the limit's window frees or
 * every recheck interval (so a limit raised with `cordon limits set` lets it go), or at once when a separate approval
 * names the limit; past the worker's longest hold it fails `LimitReached`. While it waits, the run's status lists the
 * hold and the limit that holds it.
 */
import { ActivityFailure, ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import type { LimitHoldDetails, LimitPass } from '../activities/governor-guard';
import type { LimitApprovals } from './limit-approvals';
import type { LimitHold } from './limit-hold-records';
import { recordGovernorHold } from './run-metrics';

/** Runs recorded before the governor never saw `LimitReached`; the patch marks the runs that may wait on it. */
export const GOVERNOR_HOLD_PATCH = 'cordon-governor-hold';

/**
 * Runs recorded before this reported holds only through the status Query; the patch marks the runs whose holds are
 * reported as progress too (one more notification when the held changes change), so Slack shows them.
 */
export const HOLDS_IN_PROGRESS_PATCH = 'cordon-holds-in-progress';

/** Workflow state (each run has its own module instance in the sandbox): the holds and the limits approved per step. */
const holds = new Map<string, LimitHold>();
const approvedByStep = new Map<string, LimitPass['approved']>();
/** Why passing a limit was refused, per step and limit: the held changes fail. */
const refusedByStep = new Map<string, string>();
/** The approvals asked so far, per step and limit (asked once each). */
const asked = new Set<string>();
let limitApprovals: LimitApprovals | undefined;
/** Who is told when the held changes change (run-playbook.ts: the run's progress); chunks tell nobody. */
let holdsListener: ((holds: LimitHold[]) => void) | undefined;
/** Decided at the run's first hold (then kept, so replay decides it alike): whether holds are reported. */
let holdsReported: boolean | undefined;
/** What was last reported: the held changes and their limits' use, not their next check (which moves each recheck). */
let reportedKey = '';

/** The run's way of asking for a limit approval (run-playbook.ts sets it; a chunk asks its run, chunk-limit-relay.ts). */
export function useLimitApprovals(approvals: LimitApprovals): void {
  limitApprovals = approvals;
}

function askOnce(stepId: string, limit: string, description: string): void {
  const key = `${stepId}\u0000${limit}`;
  if (!limitApprovals || asked.has(key)) return;
  asked.add(key);
  const stillHeld = () => [...holds.values()].some((hold) => hold.stepId === stepId && hold.limit === limit);
  void limitApprovals(stepId, limit, description, stillHeld)?.then((outcome) => {
    if (outcome.approved) approveLimit(stepId, limit, outcome.by);
    else if (stillHeld()) refusedByStep.set(key, outcome.why);
    // Refused or not needed, a later hold may ask again.
    asked.delete(key);
  });
}

/** Tells `listener` the held changes whenever they change (see HOLDS_IN_PROGRESS_PATCH). */
export function reportHolds(listener: (holds: LimitHold[]) => void): void {
  holdsListener = listener;
}

function holdsChanged(): void {
  if (!holdsListener) return;
  holdsReported ??= patched(HOLDS_IN_PROGRESS_PATCH);
  if (!holdsReported) return;
  const held = currentHolds();
  const key = JSON.stringify(held.map((hold) => [hold.activityId, hold.limit, hold.description]));
  if (key === reportedKey) return;
  reportedKey = key;
  holdsListener(held);
}

function release(activityId: string): void {
  if (holds.delete(activityId)) holdsChanged();
}

/** The changes this run has waiting for room under a limit, oldest first. */
export function currentHolds(): LimitHold[] {
  return [...holds.values()];
}

/** Lets every held change of a step pass the named limit (a separate approval named it). */
export function approveLimit(stepId: string, limit: string, by: string): void {
  const approved = approvedByStep.get(stepId) ?? [];
  if (!approved.some((entry) => entry.limit === limit)) approvedByStep.set(stepId, [...approved, { limit, by }]);
}

function approvedFor(stepId: string): LimitPass['approved'] {
  return approvedByStep.get(stepId) ?? [];
}

/** The approval that let a step's changes pass the named limit, if one did. */
export function approvedLimit(stepId: string, limit: string): LimitPass['approved'][number] | undefined {
  return approvedFor(stepId).find((entry) => entry.limit === limit);
}

function holdDetails(error: unknown): LimitHoldDetails | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return undefined;
  if (error.cause.type !== FAILURE_TYPES.limitReached) return undefined;
  const details: unknown = error.cause.details?.[0];
  if (typeof details !== 'object' || details === null) return undefined;
  if (!('limit' in details && 'description' in details && 'retryAfterMs' in details && 'maxHoldMs' in details)) {
    return undefined;
  }
  const { limit, description, retryAfterMs, maxHoldMs } = details;
  if (typeof limit !== 'string' || typeof description !== 'string') return undefined;
  if (typeof retryAfterMs !== 'number' || typeof maxHoldMs !== 'number') return undefined;
  const roomAt = 'roomAt' in details && typeof details.roomAt === 'string' ? details.roomAt : undefined;
  return { limit, description, retryAfterMs, maxHoldMs, ...(roomAt ? { roomAt } : {}) };
}

/**
 * Calls a change, and while the governor holds it, waits and calls again. `call` gets the limits approved for the
 * step, which the activity passes on to the governor.
 */
export async function callWithHolds(
  stepId: string,
  activityId: string,
  call: (pass: LimitPass | undefined) => Promise<unknown>,
): Promise<unknown> {
  let heldSince: number | undefined;
  for (;;) {
    const approved = approvedFor(stepId);
    try {
      const output = await call(approved.length > 0 ? { approved } : undefined);
      release(activityId);
      return output;
    } catch (error) {
      const held = holdDetails(error);
      if (!held || !patched(GOVERNOR_HOLD_PATCH)) {
        release(activityId);
        throw error;
      }
      if (heldSince === undefined) recordGovernorHold(held.limit);
      heldSince ??= Date.now();
      const left = held.maxHoldMs - (Date.now() - heldSince);
      if (left <= 0) {
        release(activityId);
        throw error;
      }
      const refusedKey = `${stepId}\u0000${held.limit}`;
      const refused = refusedByStep.get(refusedKey);
      if (refused) {
        release(activityId);
        throw ApplicationFailure.nonRetryable(`${held.description}: ${refused}`, FAILURE_TYPES.limitReached);
      }
      const waitMs = Math.min(held.retryAfterMs, left);
      holds.set(activityId, {
        activityId,
        stepId,
        limit: held.limit,
        description: held.description,
        since: new Date(heldSince).toISOString(),
        nextCheck: new Date(Date.now() + waitMs).toISOString(),
        ...(held.roomAt ? { roomAt: held.roomAt } : {}),
        failsAt: new Date(heldSince + held.maxHoldMs).toISOString(),
      });
      holdsChanged();
      askOnce(stepId, held.limit, held.description);
      await condition(
        () => approvedFor(stepId).some((entry) => entry.limit === held.limit) || refusedByStep.has(refusedKey),
        waitMs,
      );
    }
  }
}
