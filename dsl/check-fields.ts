/**
 * Checks a step's `with` (or `undo.with`) against the action's input schema, so a typo in a field name or a literal
 * of the wrong type is caught when the playbook is loaded rather than when the step runs, hours into an incident.
 */
import type { z } from 'zod';
import type { ActionSpec } from '../activities/action';
import type { ActionRegistry } from '../activities/registry';
import { hasTemplate } from './check-expressions';
import { formatPath } from './schema-issues';
import { didYouMean } from './suggest';

/** Reports an issue at a path below the playbook; `at: 'key'` points at a map key rather than its value. */
export type FieldReport = (path: PropertyKey[], message: string, options?: { at?: 'key' }) => void;

/** Each `with` field beside the action's schema for it (`undefined` where the action declares no such field). */
export function fieldsWithSchemas(
  values: Record<string, unknown>,
  spec: ActionSpec,
): Array<{ key: string; value: unknown; field: z.ZodType | undefined }> {
  const shape: Record<string, z.ZodType> = spec.input.shape;
  return Object.entries(values).map(([key, value]) => ({
    key,
    value,
    field: Object.hasOwn(shape, key) ? shape[key] : undefined,
  }));
}

/** Whether an action's input takes fields beyond its shape (a loose object), so unknown `with` keys are fine. */
export function acceptsUnknownFields(spec: ActionSpec): boolean {
  const { catchall } = spec.input.def;
  return catchall !== undefined && catchall._zod.def.type !== 'never';
}

export function unknownAction(name: string, registry: ActionRegistry): string {
  return `unknown action "${name}"${didYouMean(name, registry.names())}; \`cordon actions\` lists the registered ones`;
}

function zodMessage(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
  return where + issue.message.replace(/^Invalid input: /, '');
}

/** `with` against the action's input schema: unknown fields, missing required ones, literals of the wrong type. */
export function checkFields(
  values: Record<string, unknown>,
  spec: ActionSpec,
  path: PropertyKey[],
  label: string,
  report: FieldReport,
): void {
  const shape: Record<string, z.ZodType> = spec.input.shape;
  const where = formatPath(path.slice(2));
  const open = acceptsUnknownFields(spec);
  for (const { key, value, field } of fieldsWithSchemas(values, spec)) {
    if (!field) {
      if (!open) {
        const hint = didYouMean(key, Object.keys(shape));
        report([...path, key], `${label}: ${where}.${key}: ${spec.name} has no input field "${key}"${hint}`, {
          at: 'key',
        });
      }
      continue;
    }
    if (hasTemplate(value)) continue; // known only at run time
    const parsed = field.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue ? zodMessage(issue) : 'invalid value';
      report([...path, key], `${label}: ${where}.${key}: ${message}`);
    }
  }
  for (const [key, field] of Object.entries(shape)) {
    // A field that accepts `undefined` is optional or has a default.
    if (!Object.hasOwn(values, key) && !field.safeParse(undefined).success) {
      report(path, `${label}: ${where}: missing required field "${key}" of ${spec.name}`);
    }
  }
}
