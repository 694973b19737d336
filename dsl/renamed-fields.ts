/**
 * Playbook fields that were renamed so that the YAML, the plan and Temporal use one word each. A playbook written with
 * an old spelling still loads, with a warning naming the new one: the worker recompiles the source every plan carries
 * (`cordon.verify_plan`), and plans started, recorded or retried before the rename must keep compiling to the same
 * plan. Giving both spellings is an error.
 */
import type { PlaybookIssue } from './errors';
import type { SourceMap, SourcePath } from './source-map';

/** Where each renamed field lives, its old spelling and its name now. */
export const RENAMED_FIELDS = [
  { within: 'retry', old: 'maxAttempts', now: 'maximumAttempts' },
  { within: 'retry', old: 'backoff', now: 'backoffCoefficient' },
  { within: 'retry', old: 'maxInterval', now: 'maximumInterval' },
  { within: 'approval', old: 'escalate', now: 'escalation' },
] as const;

type Within = (typeof RENAMED_FIELDS)[number]['within'];

export interface Renamed {
  /** One per old spelling found. */
  warnings: PlaybookIssue[];
  /** Fields given under both spellings. */
  issues: PlaybookIssue[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects that hold renamed fields: each step's `retry` and `approval`, and its undo's `approval`. */
function holders(
  raw: Record<string, unknown>,
): Array<{ within: Within; path: SourcePath; holder: Record<string, unknown> }> {
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  return steps.flatMap((step: unknown, index) => {
    if (!isRecord(step)) return [];
    const found: Array<{ within: Within; path: SourcePath; holder: Record<string, unknown> }> = [];
    if (isRecord(step.retry)) found.push({ within: 'retry', path: ['steps', index, 'retry'], holder: step.retry });
    if (isRecord(step.approval)) {
      found.push({ within: 'approval', path: ['steps', index, 'approval'], holder: step.approval });
    }
    if (isRecord(step.undo) && isRecord(step.undo.approval)) {
      found.push({ within: 'approval', path: ['steps', index, 'undo', 'approval'], holder: step.undo.approval });
    }
    return found;
  });
}

/** Renames the old spellings in a freshly parsed playbook, in place, saying where each one was. */
export function renameOldFields(raw: unknown, map: SourceMap): Renamed {
  const warnings: PlaybookIssue[] = [];
  const issues: PlaybookIssue[] = [];
  if (!isRecord(raw)) return { warnings, issues };
  for (const { within, path, holder } of holders(raw)) {
    for (const field of RENAMED_FIELDS) {
      if (field.within !== within || !(field.old in holder)) continue;
      const where = { file: map.file, ...map.locate([...path, field.old], { at: 'key' }) };
      const name = `${path.at(-2) === 'undo' ? 'undo.' : ''}${within}.${field.old}`;
      if (field.now in holder) {
        issues.push({ ...where, message: `${name}: give ${field.now} only (${field.old} is its old spelling)` });
      } else {
        warnings.push({ ...where, message: `${name} is deprecated: write ${within}.${field.now}` });
        holder[field.now] = holder[field.old];
      }
      delete holder[field.old];
    }
  }
  return { warnings, issues };
}
