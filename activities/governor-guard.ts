/**
 * Consulted by every state-changing action before it runs, after the kill switch: builds the limits the change must
 * pass from the worker's own configuration (never from the plan) and asks the task queue's governor. A change over a
 * limit fails `LimitReached` with the limit's name; the run then waits for room or a separate approval
 * (workflows/governor-hold.ts).
 *
 * A chunk of a large `forEach` learns of that approval by a signal from its run, and a signal says nothing of who
 * sent it: so a chunk's approved limit counts only once the guard has read the approval, approved, in the state of
 * the run the chunk belongs to (workflows/chunk-limit-relay.ts).
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import type { GovernorConfig } from '../config/governor';
import { createGovernorAsker, type GovernorAsker } from '../runs/governor';
import { limitApprovalId } from '../workflows/limit-approvals';
import { statusQuery } from '../workflows/messages';
import { FOREACH_ITEMS_LIMIT, type AcquireAnswer, type LimitCheck } from '../workflows/governor-state';
import type { ActionSpec } from './action';
import { ActionError, FAILURE_TYPES } from './errors';
import type { ActionRegistry } from './registry';

/**
 * The second argument the run's own workflow code gives a change it lets pass a limit: the limits a separate approval
 * named, and who approved. A plan cannot set it (a plan only fills the first argument).
 */
export const limitPassSchema = z.object({
  approved: z.array(z.object({ limit: z.string().min(1), by: z.string().min(1) })),
});
export type LimitPass = z.infer<typeof limitPassSchema>;

/** What `LimitReached` carries in its details, for the run to decide how to wait. */
export interface LimitHoldDetails {
  limit: string;
  description: string;
  /** When to ask again: when the window frees, or the recheck interval, whichever is sooner. */
  retryAfterMs: number;
  /** How long the run may wait in all before the change fails. */
  maxHoldMs: number;
  /** When the limit's window has room again (ISO 8601); absent for a cap that time does not free. */
  roomAt?: string;
}

/** Thrown at worker start when a configured limit names an action the worker does not have. */
export class UnknownLimitError extends Error {
  override readonly name = 'UnknownLimitError';
}

/** Where an activity sits in its step's list: `suspend[3]` in a chunk starting at item 100 is item 103. */
export function itemPosition(info: {
  activityId: string;
  workflowType: string;
  workflowId: string;
}): number | undefined {
  const match = /^[^:[\]]+\[(\d+)\]$/.exec(info.activityId);
  if (!match) return undefined;
  const offset = info.workflowType === 'runItemsChunk' ? Number(/\/(\d+)$/.exec(info.workflowId)?.[1] ?? 0) : 0;
  return offset + Number(match[1]);
}

/** The limits one change must pass, from the configuration alone; empty when none applies. */
export function limitChecks(config: GovernorConfig, spec: ActionSpec, position: number | undefined): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const rate = config.limits[spec.name];
  if (rate) checks.push({ kind: 'rate', limit: spec.name, configured: rate });
  // Items below the configured cap never need to ask; above it, `cordon limits set` may have raised the cap.
  if (spec.impact === 'destructive' && position !== undefined && position >= config.forEachMaxItems) {
    checks.push({ kind: 'items', limit: FOREACH_ITEMS_LIMIT, index: position, configured: config.forEachMaxItems });
  }
  return checks;
}

export type GovernorGuard = (spec: ActionSpec, pass: unknown) => Promise<void>;

type Approved = LimitPass['approved'];

/**
 * The approved limits of a chunk's pass that its run's own state shows approved; the others are dropped (the change
 * is then held as if they had not been named). Approvals are final, so each one read is remembered.
 */
function createChunkPassCheck(): (context: Context, approved: Approved) => Promise<Approved> {
  const confirmed = new Set<string>();
  return async (context, approved) => {
    const { workflowExecution, activityId } = context.info;
    const stepId = /^([^[]+)\[/.exec(activityId)?.[1];
    if (!workflowExecution || !stepId) return [];
    const chunk = await context.client.workflow.getHandle(workflowExecution.workflowId).describe();
    const parentId = chunk.parentExecution?.workflowId;
    if (!parentId) return [];
    const key = (limit: string) => `${parentId}\u0000${limitApprovalId(stepId, limit)}`;
    if (approved.every((entry) => confirmed.has(key(entry.limit)))) return approved;
    const state = await context.client.workflow
      .getHandle(parentId, chunk.parentExecution?.runId ?? undefined)
      .query(statusQuery);
    const approvedInRun = new Set(
      state.approvals.filter((approval) => approval.status === 'approved').map((approval) => approval.stepId),
    );
    return approved.filter((entry) => {
      const inRun = approvedInRun.has(limitApprovalId(stepId, entry.limit));
      if (inRun) confirmed.add(key(entry.limit));
      return inRun;
    });
  };
}

export function createGovernorGuard(config: GovernorConfig, registry: ActionRegistry): GovernorGuard {
  for (const name of Object.keys(config.limits)) {
    if (!registry.has(name)) {
      throw new UnknownLimitError(`CORDON_LIMITS names ${name}, which is not an action of this worker`);
    }
  }
  const checkChunkPass = createChunkPassCheck();
  // One asker per task queue: this worker's changes ask its governor together (see createGovernorAsker).
  const askers = new Map<string, GovernorAsker>();
  return async (spec, rawPass) => {
    const context = Context.current();
    const { activityId, workflowType, workflowExecution, taskQueue } = context.info;
    // Standalone activities have no workflow: they count under their activity id alone.
    const workflowId = workflowExecution?.workflowId ?? '';
    const position = itemPosition({ activityId, workflowType: workflowType ?? '', workflowId });
    const checks = limitChecks(config, spec, position);
    if (checks.length === 0) return;
    const pass = limitPassSchema.safeParse(rawPass ?? { approved: [] });
    let approved = pass.success ? pass.data.approved : [];
    if (approved.length > 0 && workflowType === 'runItemsChunk') {
      try {
        approved = await checkChunkPass(context, approved);
      } catch (error) {
        // Fail closed, as below: the activity retries.
        throw new ActionError(
          FAILURE_TYPES.unavailable,
          "cannot read the run's approval of the limit, so nothing is changed",
          {
            cause: error,
          },
        );
      }
    }
    let answer: AcquireAnswer;
    try {
      let ask = askers.get(taskQueue);
      if (!ask) askers.set(taskQueue, (ask = createGovernorAsker(context.client, taskQueue)));
      answer = await ask(
        {
          key: `${workflowId}/${activityId}`,
          workflowId,
          checks,
          ...(approved.length > 0 ? { approved } : {}),
        },
        context.cancellationSignal,
      );
    } catch (error) {
      // Fail closed: a change whose limit cannot be checked does not run (the activity retries).
      throw new ActionError(FAILURE_TYPES.unavailable, 'cannot reach the governor, so nothing is changed', {
        cause: error,
      });
    }
    if (answer.granted) return;
    const details: LimitHoldDetails = {
      limit: answer.limit,
      description: answer.description,
      retryAfterMs: Math.min(answer.retryAfterMs ?? config.recheckMs, config.recheckMs),
      maxHoldMs: config.maxHoldMs,
      ...(answer.retryAfterMs !== undefined
        ? { roomAt: new Date(Date.now() + answer.retryAfterMs).toISOString() }
        : {}),
    };
    throw new ActionError(FAILURE_TYPES.limitReached, `held by the limit ${answer.description}`, {
      details: { ...details },
    });
  };
}
