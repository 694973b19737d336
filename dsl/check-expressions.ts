/**
 * Static checks of the expressions in a playbook: each must parse, and each name it reads must exist where it is
 * evaluated. A step may read only the steps it (transitively) needs, since any other may not have run yet; `item` and
 * `index` exist only in forEach steps, `event` only in triggers.
 */
import { ExpressionError, expressionReferences, templateExpressions, type Reference } from './expressions';
import { didYouMean } from './suggest';

/** What an expression may read where it stands. */
export interface ExpressionScope {
  /** Root names defined here, e.g. `inputs`, `steps`, `run`. */
  roots: readonly string[];
  inputs: ReadonlySet<string>;
  /** Every step id, and the ids of the steps that have surely finished when the expression is evaluated. */
  steps?: { all: ReadonlySet<string>; finished: ReadonlySet<string>; self?: string };
}

export interface ExpressionProblem {
  message: string;
  /** Text in the YAML node to point at. */
  find: string;
}

/** Fields of `run`, set by the interpreter workflow. */
export const RUN_FIELDS = ['workflowId', 'requester', 'subject', 'incidentId'] as const;

/** Where a name that is out of scope is defined instead, for the error message. */
const DEFINED_ELSEWHERE: Record<string, string> = {
  item: 'only in a forEach step',
  index: 'only in a forEach step',
  event: 'only in triggers',
  indicators: 'only in triggers',
  input: "only in approval.show and undo.with (this step's resolved input)",
  output: "only in undo.with (this step's output); read another step as steps.<id>.output",
  steps: 'only in steps',
  run: 'only in steps, once a run has started',
};

/** CEL type names may appear as values (`type(x) == string`); they are not variables. */
const CEL_TYPES = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'list',
  'map',
  'null_type',
  'type',
  'dyn',
]);

function checkReference(reference: Reference, scope: ExpressionScope): ExpressionProblem | undefined {
  const [root = '', field, part] = reference;
  if (reference.length === 1 && CEL_TYPES.has(root)) return undefined;
  if (!scope.roots.includes(root)) {
    const elsewhere = DEFINED_ELSEWHERE[root];
    const hint = elsewhere
      ? ` (it is defined ${elsewhere})`
      : `${didYouMean(root, scope.roots)}; defined here: ${scope.roots.join(', ')}`;
    return { message: `\`${root}\` is not defined here${hint}`, find: root };
  }
  if (field === undefined) return undefined;
  if (root === 'inputs' && !scope.inputs.has(field)) {
    return {
      message: `inputs.${field} is not a declared input${didYouMean(field, scope.inputs)}`,
      find: `inputs.${field}`,
    };
  }
  if (root === 'run' && !RUN_FIELDS.some((name) => name === field)) {
    return { message: `run.${field} does not exist (run has ${RUN_FIELDS.join(', ')})`, find: `run.${field}` };
  }
  if (root === 'steps' && scope.steps) {
    const find = `steps.${field}`;
    if (!scope.steps.all.has(field)) {
      return { message: `${find}: there is no step "${field}"${didYouMean(field, scope.steps.all)}`, find };
    }
    if (field === scope.steps.self && !scope.steps.finished.has(field)) {
      return {
        message: `${find} is this step: its output exists only once it ran (undo.with reads it as output)`,
        find,
      };
    }
    if (!scope.steps.finished.has(field)) {
      return {
        message: `${find} is read, but "${field}" is not among this step's needs, so it may not have run yet (add it to needs)`,
        find,
      };
    }
    if (part !== undefined && part !== 'output' && part !== 'status') {
      return { message: `${find}.${part} does not exist (a step has output and status)`, find: `${find}.${part}` };
    }
  }
  return undefined;
}

/** Problems of one CEL expression: it does not parse, or it reads a name that does not exist here. */
export function checkExpression(expression: string, scope: ExpressionScope): ExpressionProblem[] {
  let references: Reference[];
  try {
    references = expressionReferences(expression);
  } catch (error) {
    if (error instanceof ExpressionError) return [{ message: error.message, find: expression }];
    throw error;
  }
  const problems = references.flatMap((reference) => checkReference(reference, scope) ?? []);
  return problems.filter(
    (problem, index) => problems.findIndex((other) => other.message === problem.message) === index,
  );
}

/** Problems of the templates in one string: each `${{ }}` is checked, and an unclosed `${{` is reported. */
export function checkTemplateString(text: string, scope: ExpressionScope): ExpressionProblem[] {
  const expressions = templateExpressions(text);
  const problems = expressions.flatMap((expression) => checkExpression(expression, scope));
  if (text.split('${{').length - 1 > expressions.length) {
    problems.push({ message: 'a `${{` is not closed by `}}`', find: '${{' });
  }
  return problems;
}

/** Every string in a template value with its path below the value, e.g. `['fields', 'reason']`. */
export function templateStrings(
  value: unknown,
  path: PropertyKey[] = [],
): Array<{ text: string; path: PropertyKey[] }> {
  if (typeof value === 'string') return [{ text: value, path }];
  if (Array.isArray(value)) return value.flatMap((element, index) => templateStrings(element, [...path, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, element]) => templateStrings(element, [...path, key]));
  }
  return [];
}

/** Whether a value holds any template, so it is known only at run time. */
export function hasTemplate(value: unknown): boolean {
  return templateStrings(value).some(({ text }) => text.includes('${{'));
}
