/**
 * The fault campaign (issue 15), run by hand: `npm run test:faults -- [--seed N] [--smoke] [--only a,b]`.
 * Breaks the system on purpose, scenario after scenario, on a scratch Temporal dev server and the local stand-ins;
 * prints the seed first (so a failure can be replayed), a table of the figures at the end, and writes
 * bench/results/faults.json (bench/results/faults-smoke.json with --smoke). Exits 1 when anything that must hold did not.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { withTemporal } from '../../bench/bench-temporal';
import { writeResults } from '../../bench/campaign';
import { runCampaign, SCENARIOS, type ScenarioName } from './campaign';
import { figuresTable } from './figures';
import { newSeed } from '../../stand-ins/seeded-random';

function isScenario(value: string): value is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(value);
}

const { values } = parseArgs({
  options: { seed: { type: 'string' }, smoke: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const seed = values.seed === undefined ? newSeed() : Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
const only = values.only?.split(',').map((name) => name.trim()) ?? [...SCENARIOS];
const unknown = only.filter((name) => !isScenario(name));
if (unknown.length > 0)
  throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
const scale = values.smoke ? 'smoke' : 'full';

console.log(`fault campaign: seed ${seed} (replay with --seed ${seed}), ${scale} scale, ${only.join(', ')}`);
const rows = await withTemporal(undefined, (temporal) =>
  runCampaign(temporal, { seed, scale, only: only.filter(isScenario), log: (line) => console.log(line) }),
);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`\n${figuresTable(rows)}\n\nmachine: ${machine}`);
for (const row of rows) for (const failure of row.failures) console.log(`FAILED ${row.fault}: ${failure}`);
const file = await writeResults(values.smoke ? 'faults-smoke' : 'faults', { seed, scale, machine, rows });
console.log(`written ${file}`);
process.exit(rows.every((row) => row.held) ? 0 : 1);
