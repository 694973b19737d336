/** Runs the benchmarks (not part of the tests): `npm run bench -- campaign [options]`. */
import { campaignBenchmark, printCampaign, writeResults } from './campaign';

const [name = 'campaign', ...rest] = process.argv.slice(2);
if (name !== 'campaign') {
  console.error(`unknown benchmark "${name}" (known: campaign)`);
  process.exit(2);
}
const rows = await campaignBenchmark(rest);
const latency = Number(rest[rest.indexOf('--latency-ms') + 1] ?? 100);
printCampaign(rows, rest.includes('--latency-ms') ? latency : 100);
console.log(`\nwritten ${await writeResults('campaign', rows)}`);
