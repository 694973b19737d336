/**
 * Starts the DNS stand-in on its own: `npx tsx stand-ins/dns/main.ts [--port N] [--control-port N]
 * [--domain name=ip ...] [--seed zone.json]`. Without `--domain` or `--seed`, the 0ktapus domains resolve to
 * 127.0.0.1. A seed file maps names to records: `{"twilio-okta.com": {"A": ["127.0.0.1"]}}`. The control endpoint
 * flips a name to NXDOMAIN: `curl -X POST 127.0.0.1:CONTROL/domains/twilio-okta.com -d '{"mode":"nxdomain"}'`.
 * Try it with `dig @127.0.0.1 -p PORT twilio-okta.com`.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OKTAPUS_DOMAINS } from '../rdap/oktapus';
import { startDnsControl } from './control';
import { startDnsStandIn } from './server';
import { errorMessage } from '../../activities/error-message';

const zoneFile = z.record(
  z.string(),
  z.strictObject({
    A: z.array(z.ipv4()).optional(),
    AAAA: z.array(z.ipv6()).optional(),
    NS: z.array(z.string()).optional(),
    TXT: z.array(z.string()).optional(),
  }),
);

function fail(message: string): never {
  console.error(`dns stand-in: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
    domain: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string' },
  },
});

const dns = await startDnsStandIn({ port: Number(values.port) });
const seeded: string[] = [];
for (const entry of values.domain) {
  const [name, address] = entry.split('=');
  if (!name || !address || !z.union([z.ipv4(), z.ipv6()]).safeParse(address).success) {
    fail(`--domain takes name=ip, e.g. --domain twilio-okta.com=127.0.0.1, not "${entry}"`);
  }
  dns.set(name, isIPv6(address) ? { AAAA: [address] } : { A: [address] });
  seeded.push(name);
}
if (values.seed) {
  let parsed: ReturnType<typeof zoneFile.safeParse>;
  try {
    parsed = zoneFile.safeParse(JSON.parse(readFileSync(values.seed, 'utf8')));
  } catch (error) {
    fail(`cannot read ${values.seed}: ${errorMessage(error)}`);
  }
  if (!parsed.success)
    fail(`${values.seed}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [name, records] of Object.entries(parsed.data)) {
    dns.set(name, records);
    seeded.push(name);
  }
}
if (seeded.length === 0) {
  for (const name of OKTAPUS_DOMAINS) {
    dns.set(name, { A: ['127.0.0.1'], NS: ['ns1.bulletproof.example', 'ns2.bulletproof.example'] });
  }
}
const control = await startDnsControl(dns, Number(values['control-port']));
console.log(`DNS stand-in on udp ${dns.server}; TAKEDOWN_DNS_SERVERS=${dns.server}`);
console.log(`control: ${control.url}/domains (POST /domains/NAME {"mode":"nxdomain"} flips a name)`);
