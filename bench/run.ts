/** Runs the benchmarks (not part of the tests): `npm run bench -- <account | campaign | campaign-synthetic | cli-start> [options]`. */
import { accountCompromiseBenchmark, parseAccountArgs, printAccountCompromise } from './account-compromise';
import { campaignBenchmark, printCampaign, writeResults } from './campaign';
import { cliStartBenchmark, printCliStart } from './cli-start';
import { oktaCampaignBenchmark, printOktaCampaign } from './okta-campaign';

const BENCHMARKS = ['account', 'campaign', 'campaign-synthetic', 'cli-start'] as const;
const [name = 'campaign', ...rest] = process.argv.slice(2);
if (name === 'account') {
  // B2: one account, the account-compromise steps unattended, against two plain SDK scripts.
  const result = await accountCompromiseBenchmark(parseAccountArgs(rest));
  printAccountCompromise(result);
  console.log(`\nwritten ${await writeResults('account-compromise', result)}`);
} else if (name === 'campaign') {
  // The shipped Okta campaign playbook under the local Okta's rate limit (issues 11 B3 and 19).
  const result = await oktaCampaignBenchmark(rest);
  printOktaCampaign(result);
  console.log(`\nwritten ${await writeResults('okta-campaign', result)}`);
} else if (name === 'campaign-synthetic') {
  // A forEach over a fixed-latency test action: the interpreter's own cost, sequential vs concurrent.
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
