import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionHandlers } from '../action';
import { ActionError, FAILURE_TYPES } from '../errors';
import type { coreActions } from './specs';

const HEARTBEAT_EVERY_MS = 1_000;

/** Handlers of the `core.*` actions; they need no client. */
export function createCoreHandlers(): ActionHandlers<typeof coreActions> {
  return {
    'core.log': async ({ message, fields }, context) => {
      context.log.info(message, fields);
      return { message, fields };
    },
    'core.wait': async ({ seconds }, context) => {
      const started = Date.now();
      const until = started + seconds * 1_000;
      while (Date.now() < until) {
        context.heartbeat({ remainingMs: until - Date.now() });
        await sleep(Math.min(HEARTBEAT_EVERY_MS, until - Date.now()), undefined, { signal: context.signal });
      }
      return { waitedMs: Date.now() - started };
    },
    'core.fail': async ({ message, failAttempts }, context) => {
      if (failAttempts === undefined) throw new ActionError(FAILURE_TYPES.deliberate, message);
      if (context.attempt <= failAttempts) {
        throw new ActionError(FAILURE_TYPES.unavailable, `${message} (attempt ${context.attempt} of ${failAttempts})`);
      }
      return { attempts: context.attempt };
    },
  };
}
