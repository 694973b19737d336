/**
 * What each scenario of the campaign reports: one row of the table the campaign prints (and the README quotes), with
 * the details behind it for the JSON under bench/results/.
 */

export interface ScenarioFigures {
  /** The fault, as the table names it. */
  fault: string;
  /** The seed of this scenario's random choices. */
  seed: number;
  /** Runs (or requests, attempts, cases) tried. */
  attempts: number;
  /** What the table's "outcome" column says, e.g. `100/100 completed`. */
  outcome: string;
  /** Changes made more than once at the local Okta (or accepted decisions, runs started: the scenario's "never"). */
  violations: number;
  /** What must hold, in words. */
  mustHold: string;
  /** Every check of the scenario passed. */
  held: boolean;
  /** Wall-clock time of the scenario. */
  durationMs: number;
  /** Each failed check, in words, for the report. */
  failures: string[];
  details: unknown;
}

/** The campaign's table, in Markdown (printed at the end and pasted into the README). */
export function figuresTable(rows: readonly ScenarioFigures[]): string {
  const header = '| fault | seed | attempts | outcome | violations | must hold | held | time |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const lines = rows.map((row) =>
    [
      row.fault,
      row.seed,
      row.attempts,
      row.outcome,
      row.violations,
      row.mustHold,
      row.held ? 'yes' : '**no**',
      `${(row.durationMs / 1000).toFixed(0)} s`,
    ].join(' | '),
  );
  return [header, rule, ...lines.map((line) => `| ${line} |`)].join('\n');
}
