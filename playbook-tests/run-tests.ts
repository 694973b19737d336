/**
 * Finds playbook test files, loads each with its playbook, runs every case, and compares: the whole of `cordon test`
 * but the command line and the server, so the project's own tests drive it against their server.
 */
import path from 'node:path';
import type { PlaybookIssue } from '../dsl';
import { compareCase, type Difference } from './compare';
import { loadTestFile, TestFileError } from './load';
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

export async function runTestFiles(
  env: CaseEnvironment,
  files: readonly string[],
  options: RunTestsOptions = {},
): Promise<TestReport> {
  const report: TestReport = { files: [], passed: 0, failed: 0 };
  const worker = await startCaseWorker(env);
  try {
    await runFiles(env, worker, files, options, report);
  } finally {
    await worker.shutdown();
  }
  return report;
}

async function runFiles(
  env: CaseEnvironment,
  worker: CaseWorker,
  files: readonly string[],
  options: RunTestsOptions,
  report: TestReport,
): Promise<void> {
  for (const file of files) {
    const fileReport: FileReport = { file, issues: [], cases: [] };
    report.files.push(fileReport);
    let loaded;
    try {
      loaded = loadTestFile(file, env.registry);
    } catch (error) {
      if (!(error instanceof TestFileError)) throw error;
      fileReport.issues = error.issues;
      report.failed++;
      continue;
    }
    fileReport.playbook = loaded.plan.file;
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
      options.onCase?.(file, caseReport);
    }
  }
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
