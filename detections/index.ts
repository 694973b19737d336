/**
 * The detection receiver: Okta event hooks and signed webhooks that start (or join) containment runs when an event
 * matches a playbook's trigger. `createHookRoutes` gives the routes to mount; `startHookServer` serves them alone.
 */
export { createHookRoutes, type HookDeps, type HookRoute } from './routes';
export { startHookServer, type HookServer, type HookServerOptions } from './server';
export { loadPlaybookDir, type LoadedPlaybooks, type PlaybookLoadFailure } from './load-plans';
export { jsonLineLog, type HookLog, type HookLogEntry } from './log';
export { matchEvent, type EventMatches, type TriggerMatch, type TriggerRefusal } from './trigger-matcher';
export {
  eventsFromFile,
  oktaDeliveryEvents,
  webhookEvents,
  EventFormatError,
  type DetectionEvent,
} from './detection-event';
export { OKTA_HOOK_PATH, OKTA_CHALLENGE_HEADER } from './okta-event-hook';
export { WEBHOOK_PATH, signedWebhookHeaders, webhookSignature } from './signed-webhook';
export type { DeliveryResult } from './receiver';
