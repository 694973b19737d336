/**
 * Handlers for every built-in action, over the clients the worker was configured with. An integration that is not
 * configured still gets handlers (they fail with `NotConfigured`), so any worker accepts any plan and says clearly
 * what is missing when a step needs it.
 */
import type { HandlerMap } from '.';
import { createCoreHandlers } from './core/handlers';

export interface IntegrationClients {
  /** Reserved for the integrations' clients (Okta, takedown, …). */
  readonly _?: never;
}

export function createBuiltinHandlers(_clients: IntegrationClients): HandlerMap {
  return { ...asHandlerMap(createCoreHandlers()) };
}

/** Widens typed handlers to the map the activity boundary takes; the boundary validates every input first. */
export function asHandlerMap(handlers: object): HandlerMap {
  return handlers as HandlerMap;
}
