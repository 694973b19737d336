import type { ActionSpec } from './action';
import { ActionError, FAILURE_TYPES } from './errors';

/** A handler of an action this worker has no configuration for. */
export type NotConfiguredHandler = () => Promise<never>;

/**
 * Handlers for every action of an integration that this worker has no configuration for: each fails with
 * `NotConfigured` and the message, so a worker still accepts any plan and says clearly what a step is missing.
 * Derived from the integration's spec list, so a new action needs no entry here.
 */
export function notConfiguredHandlers<const Specs extends readonly ActionSpec[]>(
  specs: Specs,
  message: string,
): Record<Specs[number]['name'], NotConfiguredHandler> {
  const fail: NotConfiguredHandler = async () => {
    throw new ActionError(FAILURE_TYPES.notConfigured, message);
  };
  const handlers: Record<string, NotConfiguredHandler> = Object.fromEntries(specs.map((spec) => [spec.name, fail]));
  return handlers;
}
