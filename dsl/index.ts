/**
 * The playbook language: load a YAML playbook (with line:column errors), lint it, compile it to a plan, check run
 * inputs against it, and export its JSON Schema for editors. Workflow code imports the sandbox-safe modules
 * (`plan`, `expressions`, `duration`) directly, never this entry, which pulls in Node built-ins.
 */
export { PlaybookError, formatIssue, type PlaybookIssue } from './errors';
export {
  checkPlaybookSource,
  loadPlaybookFile,
  loadPlaybookSource,
  readPlaybookFile,
  type PlaybookCheck,
} from './load';
export { lintPlaybook, type LintOptions } from './lint';
export { CompileError, compilePlaybook, compilePlaybookSource, loadPlan, sourceHash } from './compile';
export { InputError, coerceInput, validateRunInputs, type Coerced, type InputTypeSpec } from './inputs';
export { playbookJsonSchema } from './json-schema';
export { SourceMap, type SourcePosition } from './source-map';
export { playbookSchema, stepSchema, triggerSchema } from './schema';
export type { Playbook, PlaybookInput, PlaybookStep, PlaybookTrigger } from './schema';
export {
  ExpressionError,
  compileExpression,
  evaluateCondition,
  evaluateExpression,
  evaluateTemplate,
  templateExpressions,
} from './expressions';
export { formatDuration, isDuration, parseDuration } from './duration';
export type * from './plan';
export { FAILURE_POLICIES, IMPACTS, INPUT_TYPES, TIMEOUT_POLICIES } from './plan';
