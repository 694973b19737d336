/**
 * Runs the local Okta on its own: `npx tsx stand-ins/okta/main.ts --port 0 --seed demo [--token T] [--host H]
 * [--fault-rate 0.3 --fault-seed 42 [--stall-ms 10000]]`. Prints its URL and token (and the environment a worker
 * needs), then serves until interrupted. With `--fault-rate`, that fraction of calls gets a fault of the campaign's mix
 * (a 500, a 429 with and without a reset, a stall, a dropped connection), drawn by the seeded generator.
 */
import { parseArgs } from 'node:util';
import { parsePort, runStandalone } from '../run-standalone';
import { campaignFaultMix, DEMO_INDICATORS, SEEDS, startOktaStandIn, type SeedName } from './index';

function isSeed(value: string): value is SeedName {
  return (SEEDS as readonly string[]).includes(value);
}

async function main(): Promise<{ close(): Promise<void> }> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      token: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-seed': { type: 'string' },
      'stall-ms': { type: 'string', default: '10000' },
    },
  });
  const port = parsePort(values.port);
  const seed = values.seed ?? 'demo';
  if (!isSeed(seed)) throw new Error(`--seed must be one of ${SEEDS.join(', ')}, got ${seed}`);
  const okta = await startOktaStandIn({ port, host: values.host, seed, token: values.token });
  if (values['fault-rate'] !== undefined) {
    const rate = Number(values['fault-rate']);
    if (!(rate >= 0 && rate <= 1)) throw new Error(`--fault-rate must be 0..1, got ${values['fault-rate']}`);
    const faultSeed = Number(values['fault-seed'] ?? Math.floor(Math.random() * 2 ** 31));
    if (!Number.isSafeInteger(faultSeed) || faultSeed < 0)
      throw new Error(`--fault-seed must be a non-negative integer, got ${values['fault-seed']}`);
    const stallMs = Number(values['stall-ms']);
    if (!Number.isInteger(stallMs) || stallMs < 0)
      throw new Error(`--stall-ms must be a non-negative integer, got ${values['stall-ms']}`);
    okta.faults.randomly({ seed: faultSeed, rate, mix: campaignFaultMix(stallMs) });
    console.log(`faults: ${rate * 100} % of calls, seed ${faultSeed} (replay with --fault-seed ${faultSeed})`);
  }
  console.log(`local Okta listening on ${okta.url} (seed: ${seed})`);
  console.log(`OKTA_ORG_URL=${okta.url}`);
  console.log(`OKTA_API_TOKEN=${okta.token}`);
  if (seed === 'demo')
    console.log(`attacker indicators: ips ${DEMO_INDICATORS.ips.join(', ')}, agent ${DEMO_INDICATORS.userAgent}`);
  return okta;
}

runStandalone(main);
