/** `cordon detections list`: what each loaded playbook listens for, and whether its sources can reach the receiver. */
import { OKTA_SOURCE, type HooksConfig } from '../../config/hooks';
import { loadPlaybookDir } from '../../detections/load-plans';
import type { ParsedArgs } from '../command';
import type { CliContext } from '../context';

/** Why deliveries from a source would be refused, or undefined when the receiver accepts them. */
export function sourceProblem(source: string, config: HooksConfig): string | undefined {
  if (source === OKTA_SOURCE) return config.oktaSecret ? undefined : 'not configured: set OKTA_EVENT_HOOK_SECRET';
  return Object.hasOwn(config.webhookSecrets, source) ? undefined : 'not configured: add it to CORDON_WEBHOOK_SECRETS';
}

/** Where deliveries from a source go. */
export function sourcePath(source: string): string {
  return source === OKTA_SOURCE ? '/hooks/okta' : `/hooks/webhook/${source}`;
}

export async function listDetections(args: ParsedArgs, context: CliContext): Promise<number> {
  const { plans, failures } = await loadPlaybookDir(context.config.playbooksDir, context.registry);
  for (const failure of failures) failure.issues.forEach((issue) => context.err(issue));
  const hooks = context.config.hooks;
  const listening = plans.filter((plan) => (plan.triggers ?? []).length > 0);
  if (args.values.json) {
    const rows = listening.flatMap((plan) =>
      (plan.triggers ?? []).map((trigger, index) => ({
        playbook: plan.id,
        file: plan.file,
        trigger: index + 1,
        source: trigger.detection,
        path: sourcePath(trigger.detection),
        configured: sourceProblem(trigger.detection, hooks) === undefined,
        when: trigger.when,
        inputs: trigger.inputs,
        dedupe: trigger.dedupe ?? plan.dedupe ?? null,
      })),
    );
    context.out(JSON.stringify(rows, null, 2));
    return failures.length > 0 ? 1 : 0;
  }
  if (listening.length === 0) {
    const failed = failures.length > 0 ? `, ${failures.length} failed to load` : '';
    context.out(`no playbook in ${context.config.playbooksDir} has triggers (${plans.length} loaded${failed})`);
  }
  for (const plan of listening) {
    context.out(`${plan.id} v${plan.version}${plan.file ? `  (${plan.file})` : ''}`);
    for (const trigger of plan.triggers ?? []) {
      const problem = sourceProblem(trigger.detection, hooks);
      context.out(
        `  on ${trigger.detection} (POST ${sourcePath(trigger.detection)})${problem ? `  [${problem}]` : ''}`,
      );
      context.out(`    when:   ${trigger.when}`);
      for (const [name, template] of Object.entries(trigger.inputs)) {
        context.out(`    input ${name} = ${typeof template === 'string' ? template : JSON.stringify(template)}`);
      }
      const dedupe = trigger.dedupe ?? plan.dedupe;
      context.out(`    dedupe: ${dedupe ?? '(a hash of all inputs)'}  → one run per cordon/${plan.id}/<key>`);
    }
  }
  const indicators = Object.entries(hooks.indicators).map(([name, list]) => `${name}: ${list.length}`);
  context.out(`indicators: ${indicators.join(', ')}`);
  return failures.length > 0 ? 1 : 0;
}
