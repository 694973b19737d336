import { createBuiltinEffects, createBuiltinHandlers } from '../../activities/builtin-handlers';
import { createOktaClient } from '../../activities/okta/client';
import { planEffects } from '../../dry-run/effect-plan';
import { renderPlan } from '../../dry-run/render-plan';
import { defineCommand } from '../command';
import { INPUT_OPTION, playbookAndInputs } from '../inputs';

export const planCommand = defineCommand('plan', {
  usage: 'PLAYBOOK [--input NAME=VALUE ...] [--json]',
  options: { ...INPUT_OPTION, json: { type: 'boolean' } },
  async run(args, context) {
    const { plan, inputs } = await playbookAndInputs(args, context);
    // The same clients a worker would build from this configuration, so the reads are the ones a run would make.
    const clients = {
      okta: context.config.okta ? createOktaClient(context.config.okta) : undefined,
      guardrails: context.config.guardrails,
      takedown: { config: context.config.takedown },
    };
    const result = await planEffects(plan, inputs, {
      registry: context.registry,
      handlers: createBuiltinHandlers(clients),
      effects: createBuiltinEffects(clients),
      requester: context.user,
    });
    if (args.values.json) context.out(JSON.stringify(result, null, 2));
    else renderPlan(result).forEach((line) => context.out(line));
    // A refusal, even of some items only, means a run would not do what the playbook asks.
    const incomplete = result.steps.some(
      (step) => ['failed', 'unresolved', 'refused'].includes(step.status) || (step.effect?.refused ?? []).length > 0,
    );
    return incomplete ? 1 : 0;
  },
});
