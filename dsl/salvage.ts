/**
 * When a playbook fails the schema, the linter still runs on what did parse, so one pass reports every problem of the
 * file (a bad duration in one step and an unknown action in another). Parts that failed are replaced by inert
 * placeholders: they keep their ids, so references to them do not become false "unknown step" errors, and their paths
 * are returned in `skip` so the linter does not check their content.
 */
import {
  inputSchema,
  playbookSchema,
  stepSchema,
  triggerSchema,
  type Playbook,
  type PlaybookInput,
  type PlaybookStep,
  type PlaybookTrigger,
} from './schema';

export interface Salvaged {
  playbook: Playbook;
  /** Paths such as `steps.2` whose content failed the schema. */
  skip: Set<string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function field<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  fallback: T,
): T {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}

const placeholderStep: PlaybookStep = stepSchema.parse({ id: 'placeholder', action: '' });
const placeholderTrigger: PlaybookTrigger = { detection: '', when: 'true', inputs: {} };
const placeholderInput: PlaybookInput = { type: 'string', required: false };

/** Step fields no lint check reads: a step whose only errors are here is linted with their defaults instead. */
const UNLINTED_STEP_FIELDS = new Set(['name', 'concurrency', 'timeout', 'retry', 'onFailure']);

function salvageStep(raw: unknown, index: number, skip: Set<string>): PlaybookStep {
  const parsed = stepSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (isRecord(raw)) {
    // Unknown keys, and bad values of fields the linter ignores, are dropped so the rest of the step is still checked.
    const dropped = new Set<string>();
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys' && issue.path.length === 0) issue.keys.forEach((key) => dropped.add(key));
      else dropped.add(String(issue.path[0]));
    }
    if ([...dropped].every((key) => UNLINTED_STEP_FIELDS.has(key) || !Object.hasOwn(stepSchema.shape, key))) {
      const reparsed = stepSchema.safeParse(
        Object.fromEntries(Object.entries(raw).filter(([key]) => !dropped.has(key))),
      );
      if (reparsed.success) return reparsed.data;
    }
  }
  skip.add(`steps.${index}`);
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : `\0step-${index}`;
  const needs = isRecord(raw) && Array.isArray(raw.needs) ? raw.needs.filter((need) => typeof need === 'string') : [];
  return { ...placeholderStep, id, needs };
}

/** The parts of an invalid playbook that do parse, or undefined when the document is not even a map. */
export function salvagePlaybook(raw: unknown): Salvaged | undefined {
  if (!isRecord(raw)) return undefined;
  const skip = new Set<string>();
  const shape = playbookSchema.shape;
  const inputs = isRecord(raw.inputs)
    ? Object.fromEntries(
        Object.entries(raw.inputs).map(([name, spec]) => [name, field(inputSchema, spec, placeholderInput)]),
      )
    : {};
  const triggers = Array.isArray(raw.triggers)
    ? raw.triggers.map((trigger, index) => {
        const parsed = triggerSchema.safeParse(trigger);
        if (parsed.success) return parsed.data;
        skip.add(`triggers.${index}`);
        return placeholderTrigger;
      })
    : [];
  const steps = Array.isArray(raw.steps) ? raw.steps.map((step, index) => salvageStep(step, index, skip)) : [];
  return {
    playbook: {
      id: field(shape.id, raw.id, ''),
      version: field(shape.version, raw.version, '1'),
      title: field(shape.title, raw.title, ''),
      inputs,
      subject: field(shape.subject, raw.subject, undefined),
      dedupe: field(shape.dedupe, raw.dedupe, undefined),
      onFailure: field(shape.onFailure, raw.onFailure, 'abort'),
      triggers,
      steps,
    },
    skip,
  };
}
