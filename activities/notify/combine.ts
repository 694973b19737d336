/** Several notifiers as one: each sees every event, in order, and the refs pass from one to the next. */
import type { Notifier } from '../run-services';

/**
 * Notifiers run one after another; a failure of one (Slack down) fails the call after the earlier ones ran, and the
 * activity's retry runs them all again. Put the ones that are harmless to repeat (the log) first.
 */
export function combineNotifiers(...notifiers: Notifier[]): Notifier {
  return {
    notify: async (event, refs) => {
      let current = refs;
      for (const notifier of notifiers) current = await notifier.notify(event, current);
      return current;
    },
  };
}
