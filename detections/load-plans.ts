/**
 * Loads every playbook of a folder for the receiver and `cordon detections`. A playbook that does not load is
 * reported with its issues and left out, so one broken file does not stop detections for all the others.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ActionRegistry } from '../activities/registry';
import { PlaybookError, formatIssue, loadPlan } from '../dsl';
import type { Plan } from '../dsl/plan';
import { errorMessage } from '../activities/error-message';
import { isPlaybookFileName } from '../dsl/playbook-files';

export interface PlaybookLoadFailure {
  file: string;
  /** One line per issue, `file:line:column: message`. */
  issues: string[];
}

export interface LoadedPlaybooks {
  plans: Plan[];
  failures: PlaybookLoadFailure[];
}

/** The playbooks (`*.yaml`, `*.yml`) of a folder, in file name order; a missing folder holds none. */
export async function loadPlaybookDir(dir: string, registry: ActionRegistry): Promise<LoadedPlaybooks> {
  if (!existsSync(dir)) return { plans: [], failures: [] };
  const files = (await readdir(dir)).filter(isPlaybookFileName).sort();
  const result: LoadedPlaybooks = { plans: [], failures: [] };
  for (const name of files) {
    const file = path.join(dir, name);
    try {
      const plan = loadPlan(file, registry);
      const twin = result.plans.find((other) => other.id === plan.id);
      if (twin) {
        // Both would share workflow ids; which one an event starts would depend on the file order.
        result.failures.push({
          file,
          issues: [`${file}: playbook id "${plan.id}" is also the id of ${twin.file ?? 'another playbook'}`],
        });
        continue;
      }
      result.plans.push(plan);
    } catch (error) {
      const issues = error instanceof PlaybookError ? error.issues.map(formatIssue) : [errorMessage(error)];
      result.failures.push({ file, issues });
    }
  }
  return result;
}
