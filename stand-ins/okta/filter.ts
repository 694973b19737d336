/**
 * Okta's `filter`/`search` expressions (SCIM style): `attr op value` joined by `and`/`or`, with parentheses and `not`.
 * Operators: eq, ne, co, sw, ew, gt, ge, lt, le, pr. An attribute path that crosses an array (`target.id`) matches
 * when any element matches, as Okta's System Log filter does. `co`, `sw` and `ew` ignore case.
 *
 * This is the stand-in's own small parser for Okta's query syntax; playbook expressions use CEL, never this.
 */
import { invalidSearch } from './errors';

type Value = string | number | boolean | null;
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'compare'; path: string[]; op: string; value: Value }
  | { kind: 'present'; path: string[] };

const COMPARISONS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) {
      if (expression.slice(start).trim() === '') break;
      throw invalidSearch(`cannot read the filter at character ${start}`);
    }
    tokens.push(match[1] ?? '');
  }
  return tokens;
}

function literal(token: string): Value {
  if (token.startsWith('"')) return JSON.parse(token) as string;
  if (token === 'true' || token === 'false') return token === 'true';
  if (token === 'null') return null;
  const number = Number(token);
  if (Number.isFinite(number)) return number;
  throw invalidSearch(`expected a value, got ${token}`);
}

function parse(tokens: string[]): Node {
  let position = 0;
  const peek = () => tokens[position]?.toLowerCase();
  const next = () => {
    const token = tokens[position++];
    if (token === undefined) throw invalidSearch('the filter ends too early');
    return token;
  };
  const primary = (): Node => {
    if (peek() === '(') {
      next();
      const inner = or();
      if (next() !== ')') throw invalidSearch('a parenthesis is not closed');
      return inner;
    }
    if (peek() === 'not') {
      next();
      return { kind: 'not', operand: primary() };
    }
    const path = next().split('.');
    const op = next().toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARISONS.has(op)) throw invalidSearch(`unknown operator ${op}`);
    return { kind: 'compare', path, op, value: literal(next()) };
  };
  // `and` binds tighter than `or`: each level chains the one below it, left to right.
  const chain = (kind: 'and' | 'or', operand: () => Node) => (): Node => {
    let left = operand();
    while (peek() === kind) {
      next();
      left = { kind, left, right: operand() };
    }
    return left;
  };
  const and = chain('and', primary);
  const or = chain('or', and);
  const tree = or();
  if (position !== tokens.length) throw invalidSearch(`unexpected ${tokens[position]}`);
  return tree;
}

/** Every value at a path, descending into arrays. */
function valuesAt(subject: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(subject) ? subject : [subject];
  if (Array.isArray(subject)) return subject.flatMap((element) => valuesAt(element, path));
  if (subject === null || typeof subject !== 'object') return [];
  const [head, ...rest] = path;
  return valuesAt((subject as Record<string, unknown>)[head ?? ''], rest);
}

function compare(actual: unknown, op: string, expected: Value): boolean {
  if (op === 'eq') return actual === expected;
  if (op === 'ne') return actual !== expected;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const [a, b] = [actual.toLowerCase(), expected.toLowerCase()];
    if (op === 'co') return a.includes(b);
    if (op === 'sw') return a.startsWith(b);
    if (op === 'ew') return a.endsWith(b);
  }
  if ((typeof actual === 'string' || typeof actual === 'number') && typeof expected === typeof actual) {
    const [a, b] = [actual, expected as typeof actual];
    if (op === 'gt') return a > b;
    if (op === 'ge') return a >= b;
    if (op === 'lt') return a < b;
    if (op === 'le') return a <= b;
  }
  return false;
}

function evaluate(node: Node, subject: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, subject) && evaluate(node.right, subject);
    case 'or':
      return evaluate(node.left, subject) || evaluate(node.right, subject);
    case 'not':
      return !evaluate(node.operand, subject);
    case 'present':
      return valuesAt(subject, node.path).some((value) => value !== null && value !== undefined && value !== '');
    case 'compare':
      if (node.op === 'ne') return !valuesAt(subject, node.path).some((value) => value === node.value);
      return valuesAt(subject, node.path).some((value) => compare(value, node.op, node.value));
  }
}

/** Parses an expression once; throws Okta's 400 E0000031 when it does not parse. */
export function compileFilter(expression: string): (subject: unknown) => boolean {
  const tree = parse(tokenize(expression));
  return (subject) => evaluate(tree, subject);
}

/** The properties Okta's `filter` on users accepts; any other is refused (`search` takes the rest). */
const USER_FILTER_PROPERTIES = new Set([
  'status',
  'lastUpdated',
  'id',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
]);
const DATE_COMPARISONS = new Set(['gt', 'ge', 'lt', 'le']);

/** Refuses what Okta's `filter` on users does not support: other properties, `not`, `pr`, and operators but `eq`. */
function checkUserFilter(node: Node): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      checkUserFilter(node.left);
      checkUserFilter(node.right);
      return;
    case 'not':
      throw invalidSearch('the not operator is not supported when filtering users');
    case 'present':
      throw invalidSearch('the pr operator is not supported when filtering users');
    case 'compare': {
      const property = node.path.join('.');
      if (!USER_FILTER_PROPERTIES.has(property)) throw invalidSearch(`users cannot be filtered by ${property}`);
      const allowed = node.op === 'eq' || (property === 'lastUpdated' && DATE_COMPARISONS.has(node.op));
      if (!allowed) throw invalidSearch(`the ${node.op} operator is not supported when filtering users by ${property}`);
    }
  }
}

/** `compileFilter` for the `filter` parameter of `GET /api/v1/users`, with Okta's narrower rules. */
export function compileUserFilter(expression: string): (subject: unknown) => boolean {
  const tree = parse(tokenize(expression));
  checkUserFilter(tree);
  return (subject) => evaluate(tree, subject);
}

/** `compileFilter` for an optional query parameter: without an expression, everything matches. */
export function optionalFilter(expression: string | null | undefined): (subject: unknown) => boolean {
  return expression ? compileFilter(expression) : () => true;
}
