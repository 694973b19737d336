/**
 * `cordon limits`: the governor's limits of the configured task queue, how much of each is used, and `cordon limits
 * set` to raise or lower one for every run (held changes go on at their next check).
 */
import { formatDuration, isDuration, parseDuration } from '../../dsl/duration';
import { readGovernor, setGovernorLimit } from '../../runs/governor';
import { FOREACH_ITEMS_LIMIT, usage } from '../../workflows/governor-state';
import { requirePositional, stringOption, UsageError, defineCommand } from '../command';

export const limitsCommand = defineCommand('limits', {
  usage: '[set LIMIT COUNT [--window 1h] --reason TEXT]',
  options: { reason: { type: 'string' }, window: { type: 'string' } },
  async run(args, context) {
    const taskQueue = context.config.temporal.taskQueue;
    const configured = context.config.guardrails.governor;
    const client = await context.client();
    const sub = args.positionals[0];
    if (sub === 'set') {
      const limit = requirePositional(args, 1, 'LIMIT (an action such as okta.suspend_user, or foreach-items)');
      const countText = requirePositional(args, 2, 'COUNT');
      if (!/^\d{1,7}$/.test(countText)) throw new UsageError(`COUNT must be a whole number, got "${countText}"`);
      const detection = limit.startsWith('detections:') && limit.length > 'detections:'.length;
      if (limit !== FOREACH_ITEMS_LIMIT && !detection && !configured.limits[limit]) {
        throw new UsageError(
          `no limit ${limit} on this task queue; the limits are ${[...Object.keys(configured.limits), FOREACH_ITEMS_LIMIT, 'detections:SOURCE'].join(', ')}`,
        );
      }
      const window = stringOption(args, 'window');
      if (window !== undefined && (!isDuration(window) || parseDuration(window) === 0)) {
        throw new UsageError(`--window must be a duration such as 30m or 1h, got "${window}"`);
      }
      if (window !== undefined && limit === FOREACH_ITEMS_LIMIT) throw new UsageError(`${limit} has no window`);
      const reason = stringOption(args, 'reason');
      if (!reason?.trim()) throw new UsageError('--reason TEXT is required: say why the limit changes');
      const adjusted = await setGovernorLimit(client, taskQueue, {
        limit,
        max: Number(countText),
        ...(window ? { windowMs: parseDuration(window) } : {}),
        by: context.user,
        reason,
      });
      const per =
        adjusted.windowMs ?? (detection ? configured.detectionRate.windowMs : configured.limits[limit]?.windowMs);
      context.out(
        `${limit} on task queue ${taskQueue}: at most ${adjusted.max}${per ? ` per ${formatDuration(per)}` : ' items per run'} (set by ${adjusted.by}: ${adjusted.reason})`,
      );
      return 0;
    }
    if (sub !== undefined) throw new UsageError(`unknown limits command "${sub}"; use \`cordon limits set\``);
    const { state, now } = await readGovernor(client, taskQueue);
    const used = new Map(usage(state, configured.limits, now).map((entry) => [entry.limit, entry]));
    for (const [limit, window] of Object.entries(configured.limits)) {
      const adjusted = state.adjusted[limit];
      const max = adjusted?.max ?? window.max;
      const windowMs = adjusted?.windowMs ?? window.windowMs;
      const note = adjusted ? `  (set by ${adjusted.by} at ${adjusted.at}: ${adjusted.reason})` : '';
      context.out(`${limit}: ${used.get(limit)?.used ?? 0} of ${max} per ${formatDuration(windowMs)}${note}`);
    }
    for (const entry of used.values()) {
      if (!entry.limit.startsWith('detections:')) continue;
      const max = entry.adjusted?.max ?? configured.detectionRate.max;
      const windowMs = entry.adjusted?.windowMs ?? configured.detectionRate.windowMs;
      context.out(`${entry.limit}: ${entry.used} of ${max} detections per ${formatDuration(windowMs)}`);
    }
    const items = state.adjusted[FOREACH_ITEMS_LIMIT];
    context.out(
      `${FOREACH_ITEMS_LIMIT}: at most ${items?.max ?? configured.forEachMaxItems} items of a destructive forEach per run` +
        (items ? `  (set by ${items.by} at ${items.at}: ${items.reason})` : ''),
    );
    context.out(
      `held changes ask again at least every ${formatDuration(configured.recheckMs)} and fail LimitReached after ${formatDuration(configured.maxHoldMs)}`,
    );
    return 0;
  },
});
