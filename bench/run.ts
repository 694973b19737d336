/** Runs the benchmarks (not part of the tests): `npm run bench -- <hook | account | campaign | gate | linear | campaign-synthetic | cli-start> [options]`. */
import { accountCompromiseBenchmark, parseAccountArgs, printAccountCompromise } from './account-compromise';
import { gateWaitBenchmark, parseGateArgs, printGateWait } from './gate-wait';
import { hookToWriteBenchmark, parseHookArgs, printHookToWrite } from './hook-to-write';
import { linearStepsBenchmark, parseLinearArgs, printLinearSteps } from './linear-steps';
import { campaignBenchmark, printCampaign, writeResults } from './campaign';
import { cliStartBenchmark, printCliStart } from './cli-start';
import { oktaCampaignBenchmark, printOktaCampaign } from './okta-campaign';

const BENCHMARKS = ['hook', 'account', 'campaign', 'gate', 'linear', 'campaign-synthetic', 'cli-start'] as const;
const [name = 'campaign', ...rest] = process.argv.slice(2);

/** Prints a benchmark's result and writes it under `bench/results/`, as every benchmark does. */
async function report<Result>(file: string, result: Result, print: (result: Result) => void): Promise<void> {
  print(result);
  console.log(`\nwritten ${await writeResults(file, result)}`);
}

if (name === 'hook') {
  // B1: an Okta event hook delivery to the first containment write, cold and warm, against the hook's own 200.
  await report('hook-to-write', await hookToWriteBenchmark(parseHookArgs(rest)), printHookToWrite);
} else if (name === 'account') {
  // B2: one account, the account-compromise steps unattended, against two plain SDK scripts.
  await report('account-compromise', await accountCompromiseBenchmark(parseAccountArgs(rest)), printAccountCompromise);
} else if (name === 'campaign') {
  // The shipped Okta campaign playbook under the local Okta's rate limit (issues 11 B3 and 19).
  await report('okta-campaign', await oktaCampaignBenchmark(rest), printOktaCampaign);
} else if (name === 'gate') {
  // B4: many runs waiting at an approval gate: starts/s, memory, approving all completes all.
  await report('gate-wait', await gateWaitBenchmark(parseGateArgs(rest)), printGateWait);
} else if (name === 'linear') {
  // B5: a long linear playbook against the hand-written Temporal workflow with as many activities.
  await report('linear-steps', await linearStepsBenchmark(parseLinearArgs(rest)), printLinearSteps);
} else if (name === 'campaign-synthetic') {
  // A forEach over a fixed-latency test action: the interpreter's own cost, sequential vs concurrent.
  const latency = rest.includes('--latency-ms') ? Number(rest[rest.indexOf('--latency-ms') + 1] ?? 100) : 100;
  await report('campaign', await campaignBenchmark(rest), (rows) => printCampaign(rows, latency));
} else if (name === 'cli-start') {
  await report('cli-start', cliStartBenchmark(rest), printCliStart);
} else {
  console.error(`unknown benchmark "${name}" (known: ${BENCHMARKS.join(', ')})`);
  process.exit(2);
}

// Done once the report is written. The gate benchmark's process otherwise stays up for good after it (seen for
// 13 minutes and more, old code and new), with nothing in Node's handle list but stdout and stderr: something native
// in the Temporal SDK holds it. The runner exits rather than hold the terminal.
process.exit(0);
