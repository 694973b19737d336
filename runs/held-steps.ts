/**
 * The changes the governor holds in a run, by step and limit: how many items wait, and when the hold ends. One helper
 * for `cordon status` (cli/render.ts) and the run's Slack progress message (slack/progress-message.ts).
 */
import type { LimitHold } from '../workflows/limit-hold-records';
import type { RunState } from '../workflows/run-state';

export interface HeldStep {
  stepId: string;
  limit: string;
  /** The limit and its use, e.g. `okta.suspend_user: at most 25 per 1h (25 used)`. */
  description: string;
  holds: LimitHold[];
  /** Whether the step is a `forEach` (its items wait), or one change. */
  each: boolean;
  /** Items that wait: those held, and those of the step not started behind them. */
  waiting: number;
  since: string;
  /** When the run next asks the governor about the first of them. */
  nextCheck: string;
  /** When the limit's window has room again; absent for a cap that time does not free. */
  roomAt?: string;
  /** When the first of them fails `LimitReached` unless let go before. */
  failsAt?: string;
}

const earliest = (values: Array<string | undefined>): string | undefined =>
  values.filter((value): value is string => value !== undefined).sort()[0];

export function heldSteps(state: Pick<RunState, 'holds' | 'steps'>): HeldStep[] {
  const groups = new Map<string, LimitHold[]>();
  for (const hold of state.holds ?? []) {
    const key = `${hold.stepId}\u0000${hold.limit}`;
    groups.set(key, [...(groups.get(key) ?? []), hold]);
  }
  const counted = new Set<string>();
  return [...groups.values()].flatMap((holds) => {
    const first = holds[0];
    if (!first) return [];
    const step = state.steps.find((candidate) => candidate.id === first.stepId);
    // The items not started wait behind the held ones; counted once per step, whichever limit holds it.
    const queued = counted.has(first.stepId)
      ? 0
      : (step?.items?.filter((item) => item.status === 'pending').length ?? 0);
    counted.add(first.stepId);
    const roomAt = earliest(holds.map((hold) => hold.roomAt));
    const failsAt = earliest(holds.map((hold) => hold.failsAt));
    return [
      {
        stepId: first.stepId,
        limit: first.limit,
        description: first.description,
        holds,
        each: step?.items !== undefined,
        waiting: holds.length + queued,
        since: earliest(holds.map((hold) => hold.since)) ?? first.since,
        nextCheck: earliest(holds.map((hold) => hold.nextCheck)) ?? first.nextCheck,
        ...(roomAt ? { roomAt } : {}),
        ...(failsAt ? { failsAt } : {}),
      },
    ];
  });
}
