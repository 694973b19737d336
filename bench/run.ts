/** Runs the benchmarks (not part of the tests): `npm run bench -- campaign [options]` or `npm run bench -- cli-start`. */
import { campaignBenchmark, printCampaign, writeResults } from './campaign';
import { cliStartBenchmark, printCliStart } from './cli-start';

const BENCHMARKS = ['campaign', 'cli-start'] as const;
const [name = 'campaign', ...rest] = process.argv.slice(2);

if (name === 'campaign') {
  const rows = await campaignBenchmark(rest);
  const latency = Number(rest[rest.indexOf('--latency-ms') + 1] ?? 100);
  printCampaign(rows, rest.includes('--latency-ms') ? latency : 100);
  console.log(`\nwritten ${await writeResults('campaign', rows)}`);
} else if (name === 'cli-start') {
  const rows = cliStartBenchmark(rest);
  printCliStart(rows);
  console.log(`\nwritten ${await writeResults('cli-start', rows)}`);
} else {
  console.error(`unknown benchmark "${name}" (known: ${BENCHMARKS.join(', ')})`);
  process.exit(2);
}
