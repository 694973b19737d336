/**
 * `cordon.describe_effects`: the effect plan an approval request shows. The workflow asks for the gated step and the
 * steps its decision covers, with their resolved inputs; the worker describes each from real reads, with the same
 * describers `cordon plan` uses. A step that cannot be described (its service unreachable or not configured) says so
 * in its summary instead of failing: the request must still reach the approvers, who then see what is unknown.
 */
import type { EffectMap, PlannedChange } from './effect';
import { effectSchema, REFUSAL_FAILURE_TYPES } from './effect';
import { ActionError } from './errors';
import type { ActionRegistry } from './registry';
import { errorMessage } from './error-message';
import { withSharedReads } from './description-reads';

export interface DescribeEffectsInput {
  steps: Array<{ stepId: string; action: string; inputs: unknown[] }>;
}

/** What one step would do, as an approval request shows it and its hash binds it. */
export interface StepEffect {
  stepId: string;
  summary: string;
  changes: PlannedChange[];
  /** What the handler would refuse of it, and why (see `Effect`). */
  refused?: string[];
}

export interface EffectServices {
  'cordon.describe_effects'(input: DescribeEffectsInput): Promise<StepEffect[]>;
}

export function createEffectServices(registry: ActionRegistry, effects: EffectMap): EffectServices {
  const describeOne = async (step: DescribeEffectsInput['steps'][number]): Promise<StepEffect> => {
    try {
      const spec = registry.get(step.action);
      if (!spec) throw new Error(`no action ${step.action} on this worker`);
      if (spec.impact === 'read') return { stepId: step.stepId, summary: 'a read: changes nothing', changes: [] };
      const describe = effects[spec.name];
      if (!describe) throw new Error(`${spec.name} cannot describe its effect`);
      const inputs = step.inputs.map((input) => spec.input.parse(input));
      return { stepId: step.stepId, ...effectSchema.parse(await describe(inputs)) };
    } catch (error) {
      // A change the handler would refuse is known, not unknown: the approvers see the refusal and its reason.
      const refused = error instanceof ActionError && REFUSAL_FAILURE_TYPES.includes(error.type);
      return {
        stepId: step.stepId,
        summary: `${refused ? 'refused' : 'effect unknown'}: ${errorMessage(error)}`,
        changes: [],
      };
    }
  };
  return {
    'cordon.describe_effects': ({ steps }) => withSharedReads(() => Promise.all(steps.map(describeOne))),
  };
}
