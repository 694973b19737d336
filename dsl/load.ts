/**
 * Loads a playbook: YAML → zod schema → linter. Every problem of the file is collected, each with its line and column,
 * before anything is thrown, so one run of `cordon lint` shows all there is to fix.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { ActionRegistry } from '../activities/registry';
import { PlaybookError, type PlaybookIssue } from './errors';
import { lintPlaybook } from './lint';
import { salvagePlaybook } from './salvage';
import { renameOldFields } from './renamed-fields';
import { playbookSchema, type Playbook } from './schema';
import { schemaProblems } from './schema-issues';
import { SourceMap } from './source-map';
import { errorMessage } from '../activities/error-message';
import { flowTooDeepAt, MAX_FLOW_DEPTH } from './flow-depth';

export interface PlaybookCheck {
  /** The playbook, when it has no issues. */
  playbook?: Playbook;
  /** Every issue, in document order. */
  issues: PlaybookIssue[];
  /** Old spellings of renamed fields (accepted), in document order. */
  warnings: PlaybookIssue[];
}

function byPosition(a: PlaybookIssue, b: PlaybookIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** Parses, validates and lints a playbook's source, returning every issue instead of throwing. */
export function checkPlaybookSource(source: string, file: string, registry: ActionRegistry): PlaybookCheck {
  const tooDeep = flowTooDeepAt(source);
  if (tooDeep) {
    const message = `YAML: brackets nest more than ${MAX_FLOW_DEPTH} deep here; a playbook never needs that many`;
    return { issues: [{ file, ...tooDeep, message }], warnings: [] };
  }
  const lineCounter = new LineCounter();
  // uniqueKeys: a repeated key (two `with:` in one step) is an error rather than a silent overwrite.
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(file, source, document, lineCounter);
  const issueAt = (offset: number, message: string): PlaybookIssue => ({ file, ...map.positionOf(offset), message });
  if (document.errors.length > 0) {
    // A document with syntax errors parses into something else than what was meant: stop before the schema.
    return {
      issues: document.errors.map((error) => issueAt(error.pos[0], `YAML: ${error.message}`)).sort(byPosition),
      warnings: [],
    };
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { issues: [issueAt(0, `YAML: ${errorMessage(error)}`)], warnings: [] };
  }

  const renamed = renameOldFields(raw, map);
  const warnings = renamed.warnings.sort(byPosition);
  const parsed = playbookSchema.safeParse(raw);
  if (parsed.success) {
    const issues = [...renamed.issues, ...lintPlaybook(parsed.data, registry, map)].sort(byPosition);
    return issues.length > 0 ? { issues, warnings } : { playbook: parsed.data, issues, warnings };
  }
  const issues: PlaybookIssue[] = schemaProblems(parsed.error, raw, playbookSchema).map((problem) => ({
    file,
    ...map.locate(problem.path, problem.at ? { at: problem.at } : {}),
    message: problem.message,
    ...(problem.stepId !== undefined ? { stepId: problem.stepId } : {}),
  }));
  const salvaged = salvagePlaybook(raw);
  if (salvaged) issues.push(...lintPlaybook(salvaged.playbook, registry, map, { skip: salvaged.skip }));
  issues.push(...renamed.issues);
  return { issues: issues.sort(byPosition), warnings };
}

/** Parses, validates and lints a playbook's source; throws a `PlaybookError` listing every issue. */
export function loadPlaybookSource(source: string, file: string, registry: ActionRegistry): Playbook {
  const { playbook, issues } = checkPlaybookSource(source, file, registry);
  if (!playbook) throw new PlaybookError(issues);
  return playbook;
}

/** Reads a playbook file as UTF-8; a file that cannot be read is an error naming it. */
export function readPlaybookFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read playbook ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** Loads a playbook file; throws a `PlaybookError` listing every issue. */
export function loadPlaybookFile(path: string, registry: ActionRegistry): Playbook {
  return loadPlaybookSource(readPlaybookFile(path), path, registry);
}
