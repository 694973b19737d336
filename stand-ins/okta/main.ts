/**
 * Runs the local Okta on its own: `npx tsx stand-ins/okta/main.ts --port 0 --seed demo [--token T] [--host H]`.
 * Prints its URL and token (and the environment a worker needs), then serves until interrupted.
 */
import { parseArgs } from 'node:util';
import { DEMO_INDICATORS, SEEDS, startOktaStandIn, type SeedName } from './index';

function isSeed(value: string): value is SeedName {
  return (SEEDS as readonly string[]).includes(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  const seed = values.seed ?? 'demo';
  if (!isSeed(seed)) throw new Error(`--seed must be one of ${SEEDS.join(', ')}, got ${seed}`);
  const okta = await startOktaStandIn({ port, host: values.host, seed, token: values.token });
  console.log(`local Okta listening on ${okta.url} (seed: ${seed})`);
  console.log(`OKTA_ORG_URL=${okta.url}`);
  console.log(`OKTA_API_TOKEN=${okta.token}`);
  if (seed === 'demo')
    console.log(`attacker indicators: ips ${DEMO_INDICATORS.ips.join(', ')}, agent ${DEMO_INDICATORS.userAgent}`);
  const stop = () => {
    okta.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
