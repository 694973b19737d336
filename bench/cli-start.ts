/**
 * How long `cordon` takes to start: whole processes, timed from spawn to exit, over several rounds, for `--help` and
 * `validate` of one playbook (targets on the reference machine: 300 ms and 500 ms), beside a bare `node -e 0` so that a
 * loaded machine shows as such. `npm run bench -- cli-start [--rounds N]`; run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../temporal/package-root';

const ROOT = packageRoot(import.meta.url);
const CORDON = path.join(ROOT, 'bin', 'cordon.js');

export interface StartCase {
  label: string;
  args: string[];
  /** The target median, if this case has one. */
  targetMs?: number;
}

export const START_CASES: StartCase[] = [
  { label: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { label: 'cordon --help', args: [CORDON, '--help'], targetMs: 300 },
  {
    label: 'cordon validate playbooks/okta-account-compromise.yaml',
    args: [CORDON, 'validate', path.join(ROOT, 'playbooks', 'okta-account-compromise.yaml')],
    targetMs: 500,
  },
];

export interface StartRow {
  label: string;
  rounds: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  targetMs?: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/** Times one process start-to-exit; fails loudly if the command fails, since a failed run is not a start time. */
function timeOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  return elapsed;
}

export function cliStartBenchmark(argv: string[]): StartRow[] {
  const roundsFlag = argv.indexOf('--rounds');
  const rounds = roundsFlag >= 0 ? Number(argv[roundsFlag + 1]) : 15;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds wants a positive whole number`);
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` (or `npm install`) first');
  }
  const times = new Map(START_CASES.map((entry) => [entry.label, [] as number[]]));
  timeOnce(START_CASES[1]?.args ?? []); // one warm-up, so the first round does not pay for a cold file cache
  // Interleaved rounds: a burst of load from elsewhere touches every case alike.
  for (let round = 0; round < rounds; round++) {
    for (const entry of START_CASES) times.get(entry.label)?.push(timeOnce(entry.args));
  }
  return START_CASES.map((entry) => {
    const sorted = [...(times.get(entry.label) ?? [])].sort((a, b) => a - b);
    return {
      label: entry.label,
      rounds,
      medianMs: Math.round(percentile(sorted, 0.5)),
      p90Ms: Math.round(percentile(sorted, 0.9)),
      minMs: Math.round(sorted[0] ?? Number.NaN),
      ...(entry.targetMs ? { targetMs: entry.targetMs } : {}),
    };
  });
}

export function printCliStart(rows: StartRow[]): void {
  const width = Math.max(...rows.map((row) => row.label.length));
  console.log(`${'command'.padEnd(width)}  median     p90     min  target`);
  for (const row of rows) {
    const target = row.targetMs ? `< ${row.targetMs} ms ${row.medianMs < row.targetMs ? 'met' : 'MISSED'}` : '';
    const cells = [row.medianMs, row.p90Ms, row.minMs].map((ms) => `${ms} ms`.padStart(7));
    console.log(`${row.label.padEnd(width)}  ${cells.join(' ')}  ${target}`);
  }
}
