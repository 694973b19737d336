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
import { randomBytes } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { createEffectServices, type EffectServices } from './effect-services';
import { refuseWhilePausedHere } from './kill-switch-guard';
import { createChildWorkflowIdServices } from './child-workflow-ids';
import { createGateServices, type GateOptions } from './gate-services';
import { createGrantChecker, createGrantServices } from './principal-grants';
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
  /**
   * The key the worker signs protected-account grants with (`CORDON_GRANT_KEY`, see principal-grants.ts); by default
   * one of its own, so a grant verifies only on the worker process that signed it.
   */
  grantKey?: Uint8Array;
}

export function assembleActivities(sources: ActivitySources): Record<string, ActivityFunction> {
  const registry = sources.registry ?? builtinRegistry;
  const grantKey = sources.grantKey ?? randomBytes(32);
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
      createGrantChecker(grantKey),
    ),
    ...createGateServices(registry, sources.gate),
    ...createGrantServices(grantKey),
    ...createChildWorkflowIdServices(),
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
