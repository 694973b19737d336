/**
 * The detection receiver's HTTP routes, in a shape both hosts take as is: Bolt's `customRoutes` (when Slack is
 * configured, `cordon serve` runs one server for Slack and hooks) and the plain node:http server of `detections/server.ts`.
 * Handlers read what they need from the request itself (the webhook source from the URL), so they do not depend on
 * the host's path parameters, and they never reject: every failure is answered and logged here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { HooksConfig } from '../config/hooks';
import type { Plan } from '../dsl/plan';
import type { WindowLimit } from '../workflows/governor-state';
import { EventDedupe } from './event-dedupe';
import { EventIdJournal } from './event-id-journal';
import { sendJson } from './http';
import { jsonLineLog, type HookLog } from './log';
import { handleOktaDelivery, handleOktaVerification, OKTA_HOOK_PATH } from './okta-event-hook';
import type { ReceiverDeps } from './receiver';
import { answerRefusal, HookRefusal, type RequestContext } from './refuse';
import { handleSignedWebhook, sourceFromPath, WEBHOOK_PATH } from './signed-webhook';
import { errorMessage } from '../activities/error-message';

export interface HookRoute {
  method: 'POST' | 'GET';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface HookDeps {
  client: Client;
  /** Where detection-started runs go (the worker's task queue). */
  taskQueue: string;
  /** Every loaded playbook; those with `triggers` are the ones events can start. */
  plans: readonly Plan[];
  config: HooksConfig;
  /** @default one JSON line per entry on stdout */
  log?: HookLog;
  /** The clock for webhook timestamps and Okta events' `published` times, for tests. */
  now?: () => number;
  /** Events per source that may start runs per window (`CORDON_DETECTION_RATE`); unlimited when absent. */
  detectionRate?: WindowLimit;
}

/** The file under the receiver's state folder that keeps accepted event ids across restarts. */
export const EVENT_ID_JOURNAL = 'event-ids.jsonl';

type Handle = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Runs a handler, answering refusals with their status and anything unexpected with 500, each with a log line. */
function guarded(log: HookLog, context: (req: IncomingMessage) => RequestContext, handle: Handle): Handle {
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      if (error instanceof HookRefusal) {
        answerRefusal(req, res, log, context(req), error);
        return;
      }
      log({
        level: 'error',
        msg: 'hook failed',
        ...context(req),
        error: errorMessage(error),
      });
      sendJson(res, 500, { error: 'internal error; see the receiver log' });
    }
  };
}

export function createHookRoutes(deps: HookDeps): HookRoute[] {
  const log = deps.log ?? jsonLineLog();
  const now = deps.now ?? Date.now;
  const receiver: ReceiverDeps = {
    client: deps.client,
    taskQueue: deps.taskQueue,
    plans: deps.plans,
    config: deps.config,
    log,
    now,
    ...(deps.detectionRate ? { detectionRate: deps.detectionRate } : {}),
    dedupe: new EventDedupe({
      ttlMs: deps.config.eventIdTtlMs,
      capacity: deps.config.eventIdCapacity,
      journal: new EventIdJournal(path.join(deps.config.stateDir, EVENT_ID_JOURNAL)),
      warn: (message) => log({ level: 'error', msg: 'event ids not kept on disk', error: message }),
      now,
    }),
  };
  const okta = () => ({ route: OKTA_HOOK_PATH, source: 'okta' });
  const webhook = (req: IncomingMessage) => ({ route: WEBHOOK_PATH, source: sourceFromPath(req) });
  return [
    {
      method: 'GET',
      path: OKTA_HOOK_PATH,
      handler: guarded(log, okta, (req, res) => handleOktaVerification(req, res, receiver)),
    },
    {
      method: 'POST',
      path: OKTA_HOOK_PATH,
      handler: guarded(log, okta, (req, res) => handleOktaDelivery(req, res, receiver)),
    },
    {
      method: 'POST',
      path: WEBHOOK_PATH,
      handler: guarded(log, webhook, (req, res) => handleSignedWebhook(req, res, receiver, sourceFromPath(req), now())),
    },
  ];
}
