/**
 * The closing line of `.ci/run`: vitest's summary as `N passed, N failed, N skipped`. A test file that fails outside
 * its tests (in `beforeAll`, or on import) shows in vitest's summary only as a failed file, its tests as skipped; it
 * counts as failed here, as does an unhandled error, and a log without a summary (vitest did not finish).
 *
 * `tsx scripts/vitest-summary.ts LOG` prints the line, and exits 1 when anything failed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface VitestCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Why `failed` is more than vitest's count of failed tests, if it is. */
  notes: string[];
}

// vitest colours its summary when it thinks it writes to a terminal.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function count(line: string | undefined, word: string): number {
  const match = line ? new RegExp(`(\\d+) ${word}`).exec(line) : null;
  return match ? Number(match[1]) : 0;
}

function lastLine(lines: string[], label: string): string | undefined {
  return lines.filter((line) => new RegExp(`^\\s*${label}\\s`).test(line)).at(-1);
}

export function vitestCounts(log: string): VitestCounts {
  const lines = log.replace(ANSI, '').split('\n');
  const tests = lastLine(lines, 'Tests');
  const files = lastLine(lines, 'Test Files');
  const errors = lastLine(lines, 'Errors');
  if (!tests || !files) {
    return { passed: 0, failed: 1, skipped: 0, notes: ['vitest printed no summary: it did not finish'] };
  }
  const notes: string[] = [];
  const failedTests = count(tests, 'failed');
  const failedFiles = count(files, 'failed');
  const unhandled = count(errors, 'errors?');
  let failed = failedTests;
  if (failedFiles > failedTests) {
    failed = failedFiles;
    notes.push(`${failedFiles} test file(s) failed, some outside their tests (beforeAll, import)`);
  }
  if (unhandled > 0) {
    failed += unhandled;
    notes.push(`${unhandled} unhandled error(s)`);
  }
  return {
    passed: count(tests, 'passed'),
    failed,
    skipped: count(tests, 'skipped') + count(tests, 'todo'),
    notes,
  };
}

export function closingLine(counts: VitestCounts): string {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `${counts.passed} passed, ${counts.failed} failed${skipped}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx scripts/vitest-summary.ts VITEST_LOG');
    process.exit(2);
  }
  const counts = vitestCounts(readFileSync(file, 'utf8'));
  for (const note of counts.notes) console.log(`note: ${note}`);
  console.log(closingLine(counts));
  process.exit(counts.failed > 0 ? 1 : 0);
}
