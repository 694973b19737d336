/**
 * Playbook expressions: CEL (the Common Expression Language) through `@marcbachmann/cel-js`, a pure-JS evaluator that
 * never calls `eval`. Strings may embed expressions as `${{ expr }}`; a string that is exactly one template yields the
 * expression's value with its type (a list stays a list), otherwise the results are interpolated as text.
 *
 * Sandbox-safe: the interpreter workflow evaluates templates, so this module must stay deterministic and Node-free.
 */
import { parse } from '@marcbachmann/cel-js';
import type { TemplateValue } from './plan';
import { errorMessage } from '../activities/error-message';

/** Thrown when an expression does not parse or cannot be evaluated; names the expression. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`expression \`${expression}\`: ${reason}`);
  }
}

type Compiled = ReturnType<typeof parse>;
/**
 * Parsed expressions by source. A worker shares this module between its workflows (see PRELOADED_WORKFLOW_MODULES), so
 * the cache is bounded: plans come from callers, and their expressions must not grow a worker's memory without end.
 * Only speed depends on it: an expression parses to the same thing whether cached or not.
 */
const compiledCache = new Map<string, Compiled>();
const COMPILED_CACHE_LIMIT = 5_000;

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Parses a CEL expression (cached), throwing `ExpressionError` with the parser's message when it is malformed. */
export function compileExpression(expression: string): Compiled {
  const cached = compiledCache.get(expression);
  if (cached) return cached;
  try {
    const compiled = parse(expression);
    if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear();
    compiledCache.set(expression, compiled);
    return compiled;
  } catch (error) {
    throw new ExpressionError(expression, firstLine(errorMessage(error)));
  }
}

/** CEL integers are bigints; plans and histories are JSON, so bring them back to numbers. */
function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toJson(v)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

/** Evaluates one CEL expression against a scope of plain JSON values. */
export function evaluateExpression(expression: string, scope: Record<string, unknown>): unknown {
  const compiled = compileExpression(expression);
  try {
    return toJson(compiled(scope));
  } catch (error) {
    throw new ExpressionError(expression, firstLine(errorMessage(error)));
  }
}

/** Evaluates a condition; anything but a boolean is an error, so a typo cannot silently count as false. */
export function evaluateCondition(expression: string, scope: Record<string, unknown>): boolean {
  const value = evaluateExpression(expression, scope);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(expression, `must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The expressions embedded in a string, in order. */
export function templateExpressions(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((match) => (match[1] ?? '').trim());
}

function interpolate(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The one expression of a string that is exactly `${{ expression }}`, if it is. */
export function wholeTemplate(text: string): string | undefined {
  const match = WHOLE_TEMPLATE.exec(text);
  return match && templateExpressions(text).length === 1 ? (match[1] ?? '').trim() : undefined;
}

/** A condition (`if`, `when`) is bare CEL; `${{ expression }}` around it is accepted too. */
export function conditionExpression(text: string): string {
  return wholeTemplate(text) ?? text;
}
/** Resolves every template in a value, deeply. */
export function evaluateTemplate(value: TemplateValue, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole && templateExpressions(value).length === 1) return evaluateExpression((whole[1] ?? '').trim(), scope);
    return value.replace(TEMPLATE, (_match, expression: string) =>
      interpolate(evaluateExpression(expression.trim(), scope)),
    );
  }
  if (Array.isArray(value)) return value.map((element) => evaluateTemplate(element, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, evaluateTemplate(element, scope)]));
  }
  return value;
}

/** A dotted reference an expression makes, such as `inputs.login` → `['inputs', 'login']`. */
export type Reference = string[];

interface AstNode {
  op: string;
  args: unknown;
}

function isAstNode(value: unknown): value is AstNode {
  return value !== null && typeof value === 'object' && 'op' in value && 'args' in value;
}

/** The longest member-access chain a node starts, or undefined when it is not one. */
function chainOf(node: AstNode): Reference | undefined {
  if (node.op === 'id' && typeof node.args === 'string') return [node.args];
  if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args)) {
    const [target, field] = node.args as [unknown, unknown];
    if (isAstNode(target) && typeof field === 'string') {
      const base = chainOf(target);
      return base ? [...base, field] : undefined;
    }
  }
  return undefined;
}

/**
 * The longest expression a playbook may hold. Real ones stay under a few hundred characters; a hostile one thousands
 * of operators long parses in time that grows with the square of its length and nests deeper than the stack.
 */
export const EXPRESSION_MAX_LENGTH = 1_000;

/** Collects the variable references of an expression, so a linter can check that they resolve. */
export function expressionReferences(expression: string): Reference[] {
  if (expression.length > EXPRESSION_MAX_LENGTH) {
    throw new ExpressionError(
      `${expression.slice(0, 40)}…`,
      `it is ${expression.length} characters long, at most ${EXPRESSION_MAX_LENGTH} are allowed`,
    );
  }
  const references: Reference[] = [];
  const bound = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isAstNode(node)) return;
    const chain = chainOf(node);
    if (chain) {
      if (!bound.has(chain[0] ?? '')) references.push(chain);
      return;
    }
    // Macros such as `list.map(x, x + 1)` bind a variable that is not a reference to the scope.
    if (node.op === 'rcall' && Array.isArray(node.args)) {
      const [, , macroArgs] = node.args as [unknown, unknown, unknown];
      if (Array.isArray(macroArgs)) {
        const variable: unknown = macroArgs[0];
        if (isAstNode(variable) && variable.op === 'id' && typeof variable.args === 'string') bound.add(variable.args);
      }
    }
    visit(node.args);
  };
  visit(compileExpression(expression).ast);
  return references;
}
