/**
 * Turns zod issues of the playbook schema into messages a person can act on, each with the path of the YAML node to
 * point at: unknown fields at their key, missing fields at the map that lacks them, union failures at the branch that
 * fits the value's shape.
 */
import { z } from 'zod';
import { didYouMean } from './suggest';

export interface SchemaProblem {
  path: PropertyKey[];
  message: string;
  at?: 'key' | 'value';
  stepId?: string;
}

type Found = { found: true; value: unknown } | { found: false };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): Found {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number' && segment < current.length) current = current[segment];
    else if (isRecord(current) && typeof segment === 'string' && Object.hasOwn(current, segment))
      current = current[segment];
    else return { found: false };
  }
  return { found: true, value: current };
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else if (current instanceof z.ZodUnion) {
      current = current.options.map(unwrap).find((option) => option instanceof z.ZodObject) ?? current.options[0];
    } else {
      return current;
    }
  }
}

/** The field names the schema allows at a path, to suggest one for a misspelt key. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === 'string') current = unwrap(current.shape[segment]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** `approval.timeout`, `needs[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Where a problem is, in words: `step "suspend": approval.timeout`, `trigger 1: when`, `inputs.login.type`. */
function context(root: unknown, path: readonly PropertyKey[]): { label: string; stepId?: string } {
  const [section, index, ...rest] = path;
  if (section === 'steps' && typeof index === 'number') {
    const id = valueAt(root, ['steps', index, 'id']);
    const stepId = id.found && typeof id.value === 'string' ? id.value : undefined;
    const name = stepId === undefined ? `step ${index + 1}` : `step "${stepId}"`;
    return { label: rest.length > 0 ? `${name}: ${formatPath(rest)}` : name, stepId };
  }
  if (section === 'triggers' && typeof index === 'number') {
    return { label: rest.length > 0 ? `trigger ${index + 1}: ${formatPath(rest)}` : `trigger ${index + 1}` };
  }
  return { label: path.length > 0 ? formatPath(path) : 'playbook' };
}

/** zod's type names in the words of YAML authors. */
const TYPE_WORDS: Record<string, string> = { array: 'list', record: 'map', object: 'map' };

function expectedOf(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'invalid_type') return [TYPE_WORDS[issue.expected] ?? issue.expected];
  if (issue.code === 'invalid_value') return issue.values.map((value) => JSON.stringify(value));
  return [];
}

/** One issue, expanded: a union failure becomes the issues of the branch that matches the value's shape. */
function expand(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  root: unknown,
  schema: z.ZodType,
): SchemaProblem[] {
  const path = [...prefix, ...issue.path];
  const where = context(root, path);
  const problem = (message: string, at?: 'key' | 'value', target = path): SchemaProblem => ({
    path: target,
    message: `${where.label}: ${message}`,
    ...(at ? { at } : {}),
    ...(where.stepId !== undefined ? { stepId: where.stepId } : {}),
  });
  const actual = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_union': {
      // A branch whose only complaint is the value's own type is the wrong branch; the others say what to fix.
      const fitting = issue.errors.find(
        (branch) => !branch.every((inner) => inner.path.length === 0 && expectedOf(inner).length > 0),
      );
      if (fitting) return fitting.flatMap((inner) => expand(inner, path, root, schema));
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.flatMap(expectedOf)))];
      const options = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}` : expected[0];
      return [problem(`expected ${options}, got ${actual.found ? describe(actual.value) : 'nothing'}`)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        ...problem(`unknown field "${key}"${didYouMean(key, fieldsAt(schema, path))}`, 'key', [...path, key]),
      }));
    case 'invalid_key':
      return [problem(`invalid name: ${issue.issues.map((inner) => inner.message).join('; ')}`, 'key')];
    case 'invalid_type':
      if (!actual.found) {
        const field = String(path.at(-1));
        const parent = context(root, path.slice(0, -1)).label;
        return [{ ...problem(''), path: path.slice(0, -1), message: `${parent}: missing required field "${field}"` }];
      }
      return [problem(`expected ${expectedOf(issue).join('')}, got ${describe(actual.value)}`)];
    case 'invalid_value': {
      const options = issue.values.map((value) => String(value));
      const given = actual.found && typeof actual.value === 'string' ? didYouMean(actual.value, options) : '';
      return [problem(`must be one of ${options.join(', ')}${given}`)];
    }
    case 'too_small':
    case 'too_big': {
      // zod's default wording ("Too small: expected number to be >=1"); a message the schema chose is kept.
      if (!/^Too (small|big)/.test(issue.message)) return [problem(issue.message)];
      const bound =
        issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      if (issue.origin === 'string') return [problem(`must have ${bound} characters`)];
      if (issue.origin === 'array') return [problem(`must have ${bound} items`)];
      return [problem(`must be ${bound}`)];
    }
    default:
      return [problem(issue.message)];
  }
}

/** Every zod issue of the playbook schema as problems located by path. */
export function schemaProblems(error: z.ZodError, root: unknown, schema: z.ZodType): SchemaProblem[] {
  return error.issues.flatMap((issue) => expand(issue, [], root, schema));
}
