/**
 * Run inputs: checked against the plan's declared inputs before a run starts, whether they come from the command line
 * (`--input count=3`, all strings), a Slack command or a trigger's templates. Values are coerced to their declared
 * type and normalised (a domain is lower-cased), so the workflow history holds clean, typed values.
 */
import { z } from 'zod';
import type { InputType, Plan, ScalarInputType } from './plan';
import { didYouMean } from './suggest';

/** Thrown when run inputs do not fit the playbook; `problems` names each input and what is wrong with it. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly playbookId: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid inputs for playbook ${playbookId}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** The type part of an input declaration (a playbook's or a plan's). */
export interface InputTypeSpec {
  type: InputType;
  of?: ScalarInputType;
  /** The allowed values of an `enum` (or of a list's `enum` items). */
  values?: readonly string[];
}

export type Coerced = { ok: true; value: unknown } | { ok: false; problem: string };

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const email = z.email();
const ip = z.union([z.ipv4(), z.ipv6()]);
const cidr = z.union([z.cidrv4(), z.cidrv6()]);

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (value: unknown, what: string): Coerced => ({ ok: false, problem: `${show(value)} is not ${what}` });

/** Command-line and trigger values of a string type may arrive as numbers; anything else must be text. */
function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function coerceScalar(type: ScalarInputType, value: unknown, values: readonly string[] = []): Coerced {
  const text = asText(value);
  switch (type) {
    case 'enum':
      return text !== undefined && values.includes(text)
        ? ok(text)
        : fail(value, `one of ${values.join(', ')}${text === undefined ? '' : didYouMean(text, values)}`);
    case 'string':
      return text === undefined ? fail(value, 'a string') : ok(text);
    case 'email':
      return text !== undefined && email.safeParse(text).success ? ok(text) : fail(value, 'an e-mail address');
    case 'domain': {
      const domain = text?.toLowerCase().replace(/\.$/, '');
      if (domain !== undefined && DOMAIN.test(domain)) return ok(domain);
      return fail(
        value,
        text?.includes('/') ? 'a domain name (give the host only, e.g. example.com)' : 'a domain name',
      );
    }
    case 'ip':
      return text !== undefined && ip.safeParse(text).success ? ok(text) : fail(value, 'an IPv4 or IPv6 address');
    case 'cidr':
      return text !== undefined && cidr.safeParse(text).success
        ? ok(text)
        : fail(value, 'a CIDR range such as 10.0.0.0/8');
    case 'number': {
      const number = typeof value === 'number' ? value : text === undefined || text === '' ? NaN : Number(text);
      return Number.isFinite(number) ? ok(number) : fail(value, 'a number');
    }
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value);
      const word = text?.toLowerCase();
      if (word === 'true' || word === 'yes') return ok(true);
      if (word === 'false' || word === 'no') return ok(false);
      return fail(value, 'true or false');
    }
  }
}

/** A list from the command line: JSON (`["a","b"]`) or comma-separated (`a, b`). */
function listItems(value: unknown): unknown[] | string {
  if (Array.isArray(value)) {
    const list: unknown[] = value;
    return list;
  }
  if (typeof value !== 'string') return `${show(value)} is not a list`;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) {
        const list: unknown[] = parsed;
        return list;
      }
    } catch {
      // Reported below with the text the user gave.
    }
    return `${show(value)} is not a JSON list`;
  }
  return text === '' ? [] : text.split(',').map((item) => item.trim());
}

/** Coerces one value to an input's declared type, or says why it does not fit. */
export function coerceInput(spec: InputTypeSpec, value: unknown): Coerced {
  if (spec.type !== 'list') return coerceScalar(spec.type, value, spec.values);
  const items = listItems(value);
  if (typeof items === 'string') return { ok: false, problem: items };
  const coerced: unknown[] = [];
  const problems: string[] = [];
  items.forEach((item, index) => {
    const result = coerceScalar(spec.of ?? 'string', item, spec.values);
    if (result.ok) coerced.push(result.value);
    else problems.push(`item ${index + 1}: ${result.problem}`);
  });
  return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : ok(coerced);
}

/**
 * Checks run inputs against the plan: applies defaults, requires required ones, coerces and validates each value, and
 * refuses names the playbook does not declare. Throws an `InputError` listing every problem.
 */
export function validateRunInputs(plan: Plan, raw: Record<string, unknown>): Record<string, unknown> {
  const problems: string[] = [];
  const declared = Object.keys(plan.inputs);
  for (const name of Object.keys(raw)) {
    if (!Object.hasOwn(plan.inputs, name)) {
      const takes = declared.length > 0 ? `it takes ${declared.join(', ')}` : 'it takes no inputs';
      problems.push(`input "${name}": the playbook has no such input${didYouMean(name, declared)}; ${takes}`);
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(plan.inputs)) {
    // null counts as not given, as it does in JSON from Slack and webhooks.
    const given = Object.hasOwn(raw, name) && raw[name] !== undefined && raw[name] !== null;
    if (!given && spec.default === undefined) {
      if (spec.required) problems.push(`input "${name}" is required`);
      continue;
    }
    const result = coerceInput(spec, given ? raw[name] : spec.default);
    if (result.ok) values[name] = result.value;
    else problems.push(`input "${name}": ${result.problem}${given ? '' : ' (the default)'}`);
  }
  if (problems.length > 0) throw new InputError(plan.id, problems);
  return values;
}
