/**
 * Handlers for every built-in action, over the clients the worker was configured with. An integration that is not
 * configured still gets handlers (they fail with `NotConfigured`), so any worker accepts any plan and says clearly
 * what is missing when a step needs it.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { HandlerMap } from '.';
import type { GuardrailsConfig } from '../config/guardrails';
import type { EffectMap } from './effect';
import { createCoreHandlers } from './core/handlers';
import { createOktaEffects, createOktaHandlers } from './okta/handlers';
import { takedownEffects } from './takedown/effects';
import { createTakedownHandlers, type TakedownDeps } from './takedown/handlers';

export interface IntegrationClients {
  /** The Okta SDK client; without it, `okta.*` steps fail with NotConfigured. */
  okta?: okta.Client;
  /** What the Okta actions refuse to touch; the defaults of config/guardrails.ts when not given. */
  guardrails?: GuardrailsConfig;
  /** Takedown configuration and ports; without a config, `takedown.*` steps fail with NotConfigured. */
  takedown?: TakedownDeps;
}

export function createBuiltinHandlers(clients: IntegrationClients): HandlerMap {
  return {
    ...asHandlerMap(createCoreHandlers()),
    ...asHandlerMap(createOktaHandlers(clients.okta, clients.guardrails)),
    ...asHandlerMap(createTakedownHandlers(clients.takedown ?? { config: undefined })),
  };
}

/** Widens typed handlers to the map the activity boundary takes; the boundary validates every input first. */
export function asHandlerMap(handlers: object): HandlerMap {
  return handlers as HandlerMap;
}

/** How every built-in state-changing action describes its effect, over the same clients (core actions only read). */
export function createBuiltinEffects(clients: IntegrationClients): EffectMap {
  return {
    ...asEffectMap(createOktaEffects(clients.okta, clients.guardrails)),
    ...asEffectMap(takedownEffects),
  };
}

/** Widens typed describers to the map callers take; they validate every input with the action's spec first. */
export function asEffectMap(effects: object): EffectMap {
  return effects as EffectMap;
}
