/**
 * Finds playbook test files, loads each with its playbook, runs every case, and compares: the whole of `cordon test`
 * but the command line and the server, so the project's own tests drive it against their server.
 */
import path from 'node:path';
import type { PlaybookIssue } from '../dsl';
import { compareCase, type Difference } from './compare';
import type { ActionRegistry } from '../activities/registry';
import { loadTestFile, TestFileError, type LoadedTestFile } from './load';
import { startCaseWorker, type CaseWorker } from './case-worker';
import { runCase, type CaseEnvironment } from './run-case';

export interface CaseReport {
  name: string;
  passed: boolean;
  workflowId?: string;
  status: string;
  differences: Difference[];
  problems: string[];
  notes: string[];
  durationMs: number;
}

export interface FileReport {
  file: string;
  playbook?: string;
  /** Why the file could not be run: its own issues, or its playbook's. */
  issues: PlaybookIssue[];
  cases: CaseReport[];
}

export interface TestReport {
  files: FileReport[];
  passed: number;
  failed: number;
}

export interface RunTestsOptions {
  /** Only cases whose name contains this. */
  filter?: string;
  /** Called as each case ends, for progress output. */
  onCase?: (file: string, report: CaseReport) => void;
}

/** A test file loaded with its playbook, or the report of why it cannot run. */
export type PreparedFile = { kind: 'ready'; loaded: LoadedTestFile } | { kind: 'broken'; report: FileReport };

/** Loads every test file and its playbook, before any server starts: a broken file is reported without one. */
export function prepareTestFiles(files: readonly string[], registry: ActionRegistry): PreparedFile[] {
  return files.map((file) => {
    try {
      return { kind: 'ready', loaded: loadTestFile(file, registry) };
    } catch (error) {
      if (!(error instanceof TestFileError)) throw error;
      return { kind: 'broken', report: { file, issues: error.issues, cases: [] } };
    }
  });
}

/** Runs the cases of the files that loaded, on one worker; every file is in the report. */
export async function runTestFiles(
  env: CaseEnvironment | undefined,
  prepared: readonly PreparedFile[],
  options: RunTestsOptions = {},
): Promise<TestReport> {
  const report: TestReport = { files: [], passed: 0, failed: 0 };
  const ready = prepared.some((file) => file.kind === 'ready');
  if (ready && !env) throw new Error('runTestFiles: test files are ready to run, but no server was given');
  const worker = ready && env ? await startCaseWorker(env) : undefined;
  try {
    for (const file of prepared) {
      if (file.kind === 'broken') {
        report.files.push(file.report);
        report.failed++;
        continue;
      }
      if (worker && env) report.files.push(await runFile(env, worker, file.loaded, options, report));
    }
  } finally {
    await worker?.shutdown();
  }
  return report;
}

async function runFile(
  env: CaseEnvironment,
  worker: CaseWorker,
  loaded: LoadedTestFile,
  options: RunTestsOptions,
  report: TestReport,
): Promise<FileReport> {
  const fileReport: FileReport = { file: loaded.file, playbook: loaded.plan.file, issues: [], cases: [] };
  for (const test of loaded.tests.cases) {
    if (options.filter && !test.name.includes(options.filter)) continue;
    const started = Date.now();
    const observation = await runCase(env, worker, loaded.plan, loaded.tests, test);
    const differences = compareCase(test.expect, observation);
    const caseReport: CaseReport = {
      name: test.name,
      passed: differences.length === 0 && observation.problems.length === 0,
      ...(observation.workflowId ? { workflowId: observation.workflowId } : {}),
      status: observation.status,
      differences,
      problems: observation.problems,
      notes: observation.notes,
      durationMs: Date.now() - started,
    };
    fileReport.cases.push(caseReport);
    if (caseReport.passed) report.passed++;
    else report.failed++;
    options.onCase?.(loaded.file, caseReport);
  }
  return fileReport;
}

/** The report as text: one line per case, and for a failed one, why, as a diff. */
export function reportLines(report: TestReport): string[] {
  const lines: string[] = [];
  for (const file of report.files) {
    lines.push(`${file.file}${file.playbook ? ` (${path.basename(file.playbook)})` : ''}`);
    for (const issue of file.issues) lines.push(`  ✗ ${issue.file}:${issue.line}:${issue.column}: ${issue.message}`);
    for (const test of file.cases) {
      lines.push(`  ${test.passed ? '✓' : '✗'} ${test.name} (${(test.durationMs / 1000).toFixed(1)}s)`);
      if (test.passed) continue;
      for (const problem of test.problems) lines.push(`      ${problem}`);
      for (const difference of test.differences) {
        lines.push(`      ${difference.what}: (- expected, + actual)`);
        difference.lines.forEach((line) => lines.push(`        ${line}`));
      }
      for (const note of test.notes) lines.push(`      note: ${note}`);
      if (test.workflowId) lines.push(`      run: ${test.workflowId}`);
    }
  }
  lines.push(`${report.passed} passed, ${report.failed} failed`);
  return lines;
}
