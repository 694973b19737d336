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
if (name === 'hook') {
  // B1: an Okta event hook delivery to the first containment write, cold and warm, against the hook's own 200.
  const result = await hookToWriteBenchmark(parseHookArgs(rest));
  printHookToWrite(result);
  console.log(`\nwritten ${await writeResults('hook-to-write', result)}`);
} else if (name === 'account') {
  // B2: one account, the account-compromise steps unattended, against two plain SDK scripts.
  const result = await accountCompromiseBenchmark(parseAccountArgs(rest));
  printAccountCompromise(result);
  console.log(`\nwritten ${await writeResults('account-compromise', result)}`);
} else if (name === 'campaign') {
  // The shipped Okta campaign playbook under the local Okta's rate limit (issues 11 B3 and 19).
  const result = await oktaCampaignBenchmark(rest);
  printOktaCampaign(result);
  console.log(`\nwritten ${await writeResults('okta-campaign', result)}`);
} else if (name === 'gate') {
  // B4: many runs waiting at an approval gate: starts/s, memory, approving all completes all.
  const result = await gateWaitBenchmark(parseGateArgs(rest));
  printGateWait(result);
  console.log(`\nwritten ${await writeResults('gate-wait', result)}`);
} else if (name === 'linear') {
  // B5: a long linear playbook against the hand-written Temporal workflow with as many activities.
  const result = await linearStepsBenchmark(parseLinearArgs(rest));
  printLinearSteps(result);
  console.log(`\nwritten ${await writeResults('linear-steps', result)}`);
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
