/**
 * An action field that takes only some values (a zod enum, or a list of one) and is fed straight from a playbook
 * input must get an input declared with those values, so a typo (`providers=emial`) is refused when the run starts,
 * not after the approval when the step runs.
 */
import type { z } from 'zod';
import type { ActionSpec } from '../activities/action';
import { fieldsWithSchemas, type FieldReport } from './check-fields';
import { formatPath } from './schema-issues';
import type { PlaybookInput } from './schema';

const WHOLE_INPUT = /^\$\{\{\s*inputs\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}$/;

/** The values a field (or each item of a list field) is restricted to, if it is. */
export function restrictedValues(field: z.ZodType): { values: string[]; list: boolean } | undefined {
  const def = field._zod.def;
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') {
    return 'innerType' in def ? restrictedValues(def.innerType as z.ZodType) : undefined;
  }
  if (def.type === 'enum' && 'entries' in def) {
    return { values: Object.values(def.entries as Record<string, string | number>).map(String), list: false };
  }
  if (def.type === 'array' && 'element' in def) {
    const item = restrictedValues(def.element as z.ZodType);
    return item && !item.list ? { values: item.values, list: true } : undefined;
  }
  return undefined;
}

/** Reports each `with` field fed whole from an input whose declaration allows values the action does not take. */
export function checkRestrictedInputs(
  values: Record<string, unknown>,
  spec: ActionSpec,
  inputs: Record<string, PlaybookInput>,
  path: PropertyKey[],
  label: string,
  report: FieldReport,
): void {
  const where = formatPath(path.slice(2));
  for (const { key, value, field } of fieldsWithSchemas(values, spec)) {
    const name = typeof value === 'string' ? WHOLE_INPUT.exec(value.trim())?.[1] : undefined;
    const input = name !== undefined && Object.hasOwn(inputs, name) ? inputs[name] : undefined;
    const restricted = field && restrictedValues(field);
    if (!name || !input || !restricted) continue;
    const allowed = restricted.values.join(', ');
    const isEnum = restricted.list ? input.type === 'list' && input.of === 'enum' : input.type === 'enum';
    if (!isEnum) {
      const declared = input.type === 'list' ? `a list of ${input.of ?? 'string'}` : `of type ${input.type}`;
      const wanted = restricted.list
        ? `{ type: list, of: enum, values: [${allowed}] }`
        : `{ type: enum, values: [${allowed}] }`;
      report(
        [...path, key],
        `${label}: ${where}.${key}: input "${name}" is ${declared}, but ${spec.name} takes only ${allowed} there: ` +
          `declare it ${wanted}`,
      );
      continue;
    }
    const extra = (input.values ?? []).filter((candidate) => !restricted.values.includes(candidate));
    if (extra.length > 0) {
      report(
        [...path, key],
        `${label}: ${where}.${key}: input "${name}" allows ${extra.join(', ')}, which ${spec.name} does not take ` +
          `(it takes ${allowed})`,
      );
    }
  }
}
