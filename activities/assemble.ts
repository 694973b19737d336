/**
 * A worker's activities from their sources: the built-in handlers over the configured clients, any handlers added
 * or replaced (test and benchmark actions, clients pointed at stand-ins), and the interpreter's services.
 */
import { ACTION_HEARTBEAT_EVERY_MS, createActivities, type ActivityFunction, type HandlerMap } from '.';
import type { ActionSpec } from './action';
import type { GovernorConfig } from '../config/governor';
import { createGovernorGuard } from './governor-guard';
import { createBuiltinEffects, createBuiltinHandlers, type IntegrationClients } from './builtin-handlers';
import type { EffectMap } from './effect';
import { Context } from '@temporalio/activity';
import { createEffectServices, type EffectServices } from './effect-services';
import { refuseWhilePausedHere } from './kill-switch-guard';
import { createGateServices, type GateOptions } from './gate-services';
import { builtinRegistry, type ActionRegistry } from './registry';
import { createRunServices, type Directory, type Notifier } from './run-services';
import type { DecisionVerdict, PersonResolver, VerifyDecisionInput } from './verify-decision';

export interface ActivitySources {
  /** @default builtinRegistry */
  registry?: ActionRegistry;
  /** The integrations' clients; an absent one makes its actions fail with NotConfigured. */
  clients?: IntegrationClients;
  /** Handlers added to, or replacing, the built-in ones. */
  handlers?: HandlerMap;
  /** Effect describers added to, or replacing, the built-in ones (for handlers replaced above). */
  effects?: EffectMap;
  directory: Directory;
  notifier: Notifier;
  /** Strict mode and other options of the worker's plan verification. */
  gate?: GateOptions;
  /** Verifies approval decisions; by default none verifies (an empty people directory, no Slack secret). */
  verifyDecision?: (input: VerifyDecisionInput) => Promise<DecisionVerdict>;
  /** The governor's limits; without them no change asks the governor (the kill switch still applies). */
  governor?: GovernorConfig;
  /** Who is who, to leave the run's requester, subject and named people out of its approvers; by default nobody. */
  personOf?: PersonResolver;
}

export function assembleActivities(sources: ActivitySources): Record<string, ActivityFunction> {
  const registry = sources.registry ?? builtinRegistry;
  const governed = sources.governor ? createGovernorGuard(sources.governor, registry) : undefined;
  // The kill switch first: while paused, nothing asks the governor (so nothing is counted).
  const beforeChange = async (spec: ActionSpec, pass: unknown) => {
    await refuseWhilePausedHere();
    if (governed) await governed(spec, pass);
  };
  return {
    ...createActivities(
      registry,
      { ...createBuiltinHandlers(sources.clients ?? {}), ...sources.handlers },
      createRunServices(sources.directory, sources.notifier, sources.verifyDecision, sources.personOf),
      beforeChange,
    ),
    ...createGateServices(registry, sources.gate),
    ...heartbeating(
      createEffectServices(registry, { ...createBuiltinEffects(sources.clients ?? {}), ...sources.effects }),
    ),
  };
}

/** Effect descriptions heartbeat while they read (the workflow gives them a heartbeat timeout; see effect-request). */
function heartbeating(services: EffectServices): EffectServices {
  return {
    'cordon.describe_effects': async (input) => {
      const context = Context.current();
      const timer = setInterval(() => context.heartbeat(), ACTION_HEARTBEAT_EVERY_MS);
      try {
        return await services['cordon.describe_effects'](input);
      } finally {
        clearInterval(timer);
      }
    },
  };
}
