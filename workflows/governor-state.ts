/**
 * The governor's bookkeeping, as pure functions over plain JSON (the governor workflow holds the state; tests call these
 * directly). A limit is either a rate (at most `max` grants per sliding window, across all runs) or a per-run cap on
 * the items of a destructive `forEach`. Sandbox-safe.
 */
import { formatDuration } from '../dsl/duration';

/** At most `max` grants in any sliding window of `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/** What one change must pass; the worker builds these from its own configuration (activities/governor-guard.ts). */
export type LimitCheck =
  | {
      kind: 'rate';
      /** The limit's name: an action (`okta.suspend_user`) or a detection source (`detections:okta`). */
      limit: string;
      configured: WindowLimit;
    }
  | {
      kind: 'items';
      /** Always {@link FOREACH_ITEMS_LIMIT}. */
      limit: string;
      /** The item's position in its step's list. */
      index: number;
      configured: number;
    };

/** The name of the per-run cap on the items of a destructive `forEach`. */
export const FOREACH_ITEMS_LIMIT = 'foreach-items';

export interface AcquireRequest {
  /** Identifies the change (`<workflowId>/<activityId>`): asking again for a granted key counts once. */
  key: string;
  /** The run asking, for the governor's records. */
  workflowId: string;
  checks: LimitCheck[];
  /** Limits a separate approval let this change pass, and who approved. */
  approved?: Array<{ limit: string; by: string }>;
}

export type AcquireAnswer =
  | { granted: true }
  | {
      granted: false;
      limit: string;
      /** Says the limit and how much of it is used, e.g. `okta.suspend_user: at most 25 per 1h (25 used)`. */
      description: string;
      /** When a grant leaves the window; absent for a cap that time does not free. */
      retryAfterMs?: number;
    };

export interface Grant {
  key: string;
  at: number;
  workflowId: string;
  /** Who approved passing the limit, when it was full. */
  approvedBy?: string;
}

/** A limit changed by `cordon limits set`, instead of the worker's configured value. */
export interface Adjustment {
  max: number;
  windowMs?: number;
  by: string;
  reason: string;
  at: string;
}

export interface GovernorState {
  /** Grants per rate limit, oldest first, kept while inside the window. */
  grants: Record<string, Grant[]>;
  adjusted: Record<string, Adjustment>;
}

export interface SetLimitRequest {
  limit: string;
  max: number;
  windowMs?: number;
  by: string;
  reason: string;
}

/** One rate limit as `cordon limits` shows it. */
export interface LimitUsage {
  limit: string;
  used: number;
  /** Epoch ms when the oldest grant leaves its window. */
  oldestAt?: number;
  adjusted?: Adjustment;
}

export function emptyGovernorState(): GovernorState {
  return { grants: {}, adjusted: {} };
}

/** The limit in force: an adjustment wins over the worker's configured value. */
export function effectiveWindow(state: GovernorState, check: Extract<LimitCheck, { kind: 'rate' }>): WindowLimit {
  const adjusted = state.adjusted[check.limit];
  if (!adjusted) return check.configured;
  return { max: adjusted.max, windowMs: adjusted.windowMs ?? check.configured.windowMs };
}

export function describeWindow(limit: string, window: WindowLimit, used: number): string {
  return `${limit}: at most ${window.max} per ${formatDuration(window.windowMs)} (${used} used)`;
}

function inWindow(state: GovernorState, limit: string, windowMs: number, now: number): Grant[] {
  const kept = (state.grants[limit] ?? []).filter((grant) => grant.at > now - windowMs);
  if (kept.length > 0) state.grants[limit] = kept;
  else delete state.grants[limit];
  return kept;
}

type Refusal = Extract<AcquireAnswer, { granted: false }>;

function refusal(state: GovernorState, request: AcquireRequest, check: LimitCheck, now: number): Refusal | undefined {
  if (request.approved?.some((approval) => approval.limit === check.limit)) return undefined;
  if (check.kind === 'items') {
    const max = state.adjusted[check.limit]?.max ?? check.configured;
    if (check.index < max) return undefined;
    return {
      granted: false,
      limit: check.limit,
      description: `${check.limit}: at most ${max} items of a destructive forEach per run (this is item ${check.index + 1})`,
    };
  }
  const window = effectiveWindow(state, check);
  const grants = inWindow(state, check.limit, window.windowMs, now);
  if (grants.some((grant) => grant.key === request.key)) return undefined;
  if (grants.length < window.max) return undefined;
  // The window frees up when enough of the oldest grants leave it (a lowered limit may need several to).
  const freeing = grants[grants.length - window.max];
  return {
    granted: false,
    limit: check.limit,
    description: describeWindow(check.limit, window, grants.length),
    retryAfterMs: Math.max(1, (freeing?.at ?? now) + window.windowMs - now),
  };
}

/** Grants the change (recording it under every rate limit it passes) or says which limit holds it. */
export function acquire(state: GovernorState, request: AcquireRequest, now: number): AcquireAnswer {
  for (const check of request.checks) {
    const refused = refusal(state, request, check, now);
    if (refused) return refused;
  }
  for (const check of request.checks) {
    if (check.kind !== 'rate') continue;
    const grants = state.grants[check.limit] ?? [];
    if (grants.some((grant) => grant.key === request.key)) continue;
    const approvedBy = request.approved?.find((approval) => approval.limit === check.limit)?.by;
    grants.push({ key: request.key, at: now, workflowId: request.workflowId, ...(approvedBy ? { approvedBy } : {}) });
    state.grants[check.limit] = grants;
  }
  return { granted: true };
}

/** Why a request is malformed, or undefined; the Update validator refuses it without touching the state. */
export function acquireProblem(request: AcquireRequest): string | undefined {
  if (typeof request.key !== 'string' || request.key === '') return 'key must be a non-empty string';
  if (!Array.isArray(request.checks) || request.checks.length === 0) return 'checks must list at least one limit';
  for (const check of request.checks) {
    if (typeof check.limit !== 'string' || check.limit === '') return 'every check needs a limit name';
    if (check.kind === 'rate') {
      if (!(check.configured.max >= 0) || !(check.configured.windowMs > 0)) {
        return `limit ${check.limit} needs a max of 0 or more and a window longer than 0`;
      }
    } else if (check.kind === 'items') {
      if (!Number.isInteger(check.index) || check.index < 0) return `limit ${check.limit} needs an item index`;
    } else {
      return 'a check is either a rate or an items limit';
    }
  }
  return undefined;
}

export function setLimitProblem(request: SetLimitRequest): string | undefined {
  if (typeof request.limit !== 'string' || request.limit === '') return 'name the limit to set';
  if (!Number.isInteger(request.max) || request.max < 0) return `the new max of ${request.limit} must be 0 or more`;
  if (request.windowMs !== undefined && !(request.windowMs > 0)) return 'the window must be longer than 0';
  if (!request.by?.trim()) return 'say who sets the limit';
  if (!request.reason?.trim()) return 'a limit change needs a reason';
  return undefined;
}

export function setLimit(state: GovernorState, request: SetLimitRequest, now: number): Adjustment {
  const adjustment: Adjustment = {
    max: request.max,
    ...(request.windowMs !== undefined ? { windowMs: request.windowMs } : {}),
    by: request.by,
    reason: request.reason,
    at: new Date(now).toISOString(),
  };
  state.adjusted[request.limit] = adjustment;
  return adjustment;
}

/** Every limit with grants or an adjustment, and how much of it is used (grants still in their window). */
export function usage(state: GovernorState, windows: Record<string, WindowLimit>, now: number): LimitUsage[] {
  const names = new Set([...Object.keys(state.grants), ...Object.keys(state.adjusted)]);
  return [...names].sort().map((limit) => {
    const adjusted = state.adjusted[limit];
    const windowMs = adjusted?.windowMs ?? windows[limit]?.windowMs;
    const grants = (state.grants[limit] ?? []).filter((grant) => windowMs === undefined || grant.at > now - windowMs);
    return {
      limit,
      used: grants.length,
      ...(grants[0] ? { oldestAt: grants[0].at } : {}),
      ...(adjusted ? { adjusted } : {}),
    };
  });
}
