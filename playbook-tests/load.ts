/**
 * Loads a playbook test file: YAML → zod schema → checks against its playbook (step ids, action names, canned outputs
 * against each action's output schema, who decides). Every problem is collected with its line and column before
 * anything is thrown, as the playbook loader does.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ActionRegistry } from '../activities/registry';
import { PlaybookError, loadPlan, type PlaybookIssue } from '../dsl';
import type { Plan } from '../dsl/plan';
import { schemaProblems } from '../dsl/schema-issues';
import { SourceMap, type SourcePath } from '../dsl/source-map';
import { testFileSchema, type TestFile } from './schema';
import { errorMessage } from '../activities/error-message';

/** Thrown when a test file (or the playbook it tests) does not load; carries every issue with its position. */
export class TestFileError extends Error {
  override readonly name = 'TestFileError';
  constructor(readonly issues: PlaybookIssue[]) {
    super(issues.map((issue) => `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`).join('\n'));
  }
}

export interface LoadedTestFile {
  file: string;
  plan: Plan;
  tests: TestFile;
}

/** `x.test.yaml` tests `x.yaml` (or `x.yml`) beside it. */
export function defaultPlaybookOf(testFile: string): string {
  const base = testFile.replace(/\.test\.ya?ml$/, '');
  return existsSync(`${base}.yml`) && !existsSync(`${base}.yaml`) ? `${base}.yml` : `${base}.yaml`;
}

function byPosition(a: PlaybookIssue, b: PlaybookIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** Top-level `x-…` keys hold shared values for YAML anchors (as in Compose files): not part of the test. */
function withoutExtensions(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('x-')));
}

/** Parses and validates a test file's source; returns it or every issue. */
export function parseTestSource(
  source: string,
  file: string,
): { tests?: TestFile; map: SourceMap; issues: PlaybookIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(file, source, document, lineCounter);
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => ({
      file,
      ...map.positionOf(error.pos[0]),
      message: `YAML: ${error.message}`,
    }));
    return { map, issues: issues.sort(byPosition) };
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { map, issues: [{ file, ...map.positionOf(0), message: `YAML: ${String(error)}` }] };
  }
  const parsed = testFileSchema.safeParse(withoutExtensions(raw));
  if (parsed.success) return { tests: parsed.data, map, issues: [] };
  const issues = schemaProblems(parsed.error, raw, testFileSchema).map((problem) => ({
    file,
    ...map.locate(problem.path, problem.at ? { at: problem.at } : {}),
    // The playbook schema's wording names the document a playbook.
    message: problem.message.replace(/^playbook: /, 'test file: '),
  }));
  return { map, issues: issues.sort(byPosition) };
}

/** What only the playbook and the registry know: every id, action and person a test names must exist. */
export function checkAgainstPlaybook(
  tests: TestFile,
  plan: Plan,
  registry: ActionRegistry,
  map: SourceMap,
): PlaybookIssue[] {
  const issues: PlaybookIssue[] = [];
  const at = (where: SourcePath, message: string, key = false) =>
    issues.push({ file: map.file, ...map.locate(where, key ? { at: 'key' } : {}), message });
  const stepIds = new Set(plan.steps.map((step) => step.id));
  const gated = new Set(plan.steps.filter((step) => step.approval).map((step) => step.id));
  // The actions a case may can: those its steps and undos run, and those their child workflows run.
  const used = new Set(
    plan.steps
      .flatMap((step) => (step.undo ? [step.action, step.undo.action] : [step.action]))
      .flatMap((action) => [action, ...(registry.get(action)?.workflow?.actions ?? [])]),
  );
  const people = new Set(Object.values(tests.approvers).flat());
  const knownStep = (where: SourcePath, id: string, key = false) => {
    if (!stepIds.has(id)) at(where, `no step "${id}" in ${plan.id} (its steps: ${[...stepIds].join(', ')})`, key);
  };

  tests.cases.forEach((test, index) => {
    const here: SourcePath = ['cases', index];
    for (const [stepId, decisions] of Object.entries(test.gates ?? {})) {
      if (!stepIds.has(stepId)) knownStep([...here, 'gates', stepId], stepId, true);
      else if (!gated.has(stepId)) at([...here, 'gates', stepId], `step "${stepId}" has no approval gate`, true);
      for (const decision of [decisions].flat()) {
        if (decision.by !== undefined && !people.has(decision.by))
          at([...here, 'gates', stepId], `"${decision.by}" is in no approver group of this file (approvers:)`);
      }
    }
    for (const [action, canned] of Object.entries(test.actions ?? {})) {
      const spec = registry.get(action);
      if (!spec) {
        at([...here, 'actions', action], `no action "${action}" (see cordon actions)`, true);
        continue;
      }
      if (!used.has(action)) {
        const actions = [...used].sort().join(', ');
        at([...here, 'actions', action], `no step of ${plan.id} runs ${action} (its actions: ${actions})`, true);
        continue;
      }
      [canned].flat().forEach((answer, position) => {
        if (answer.output === undefined) return;
        const checked = spec.output.safeParse(answer.output);
        if (!checked.success) {
          const where = Array.isArray(canned)
            ? [...here, 'actions', action, position, 'output']
            : [...here, 'actions', action, 'output'];
          const problems = checked.error.issues.map(
            (issue) => `${issue.path.join('.') || '(output)'}: ${issue.message}`,
          );
          at(where, `not an output of ${action}: ${problems.join('; ')}`);
        }
      });
    }
    const expect = test.expect;
    (expect.steps ?? []).forEach((entry, position) =>
      [entry].flat().forEach((id) => knownStep([...here, 'expect', 'steps', position], id)),
    );
    for (const field of ['statuses', 'inputs', 'outputs'] as const) {
      for (const id of Object.keys(expect[field] ?? {})) knownStep([...here, 'expect', field, id], id, true);
    }
    (expect.approvals ?? []).forEach((approval, position) => {
      if (!gated.has(approval.step))
        at([...here, 'expect', 'approvals', position, 'step'], `step "${approval.step}" has no approval gate`);
    });
    if (expect.okta && !test.okta)
      at([...here, 'expect', 'okta'], 'expects Okta changes, but the case has no local Okta (okta:)', true);
    if (expect.takedown && !test.takedown)
      at(
        [...here, 'expect', 'takedown'],
        'expects reports at the takedown stand-ins, but the case has none (takedown:)',
        true,
      );
    if (test.detection && !(plan.triggers ?? []).some((trigger) => trigger.detection === test.detection?.source))
      at([...here, 'detection', 'source'], `${plan.id} has no trigger for detection "${test.detection.source}"`);
  });
  return issues.sort(byPosition);
}

/** Loads a test file and the playbook it tests; throws a `TestFileError` listing every issue of either. */
export function loadTestFile(file: string, registry: ActionRegistry): LoadedTestFile {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TestFileError([{ file, line: 1, column: 1, message: `cannot read: ${String(error)}` }]);
  }
  const { tests, map, issues } = parseTestSource(source, file);
  if (!tests) throw new TestFileError(issues);
  const playbookFile = tests.playbook ? path.resolve(path.dirname(file), tests.playbook) : defaultPlaybookOf(file);
  let plan: Plan;
  try {
    plan = loadPlan(playbookFile, registry);
  } catch (error) {
    if (error instanceof PlaybookError) throw new TestFileError(error.issues);
    const where = map.locate(tests.playbook ? ['playbook'] : []);
    throw new TestFileError([{ file, ...where, message: errorMessage(error) }]);
  }
  const problems = checkAgainstPlaybook(tests, plan, registry, map);
  if (problems.length > 0) throw new TestFileError(problems);
  return { file, plan, tests };
}
