/**
 * Where the Slack app finds playbooks by id. A folder is read on each request, so a playbook added or fixed there is
 * runnable without restarting `cordon serve`; a file that does not compile is left out (and reported), never half-run.
 * Ids come from the files' contents, never from a path built out of what someone typed.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ActionRegistry } from '../activities/registry';
import { loadPlan } from '../dsl';
import type { Plan } from '../dsl/plan';
import { isPlaybookFileName } from '../dsl/playbook-files';

export interface PlanSource {
  list(): Promise<Plan[]>;
  get(id: string): Promise<Plan | undefined>;
}

export function playbookFolder(
  dir: string,
  registry: ActionRegistry,
  warn: (message: string) => void = (message) => console.warn(message),
): PlanSource {
  const list = async (): Promise<Plan[]> => {
    let names: string[];
    try {
      names = (await readdir(dir)).filter(isPlaybookFileName).sort();
    } catch (error) {
      warn(`cordon: cannot read the playbooks folder ${dir}: ${(error as Error).message}`);
      return [];
    }
    const plans: Plan[] = [];
    for (const name of names) {
      try {
        plans.push(loadPlan(path.join(dir, name), registry));
      } catch (error) {
        warn(`cordon: playbook ${name} is left out: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return plans;
  };
  return {
    list,
    get: async (id) => (await list()).find((plan) => plan.id === id),
  };
}
