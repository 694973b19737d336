/**
 * Starts the RDAP stand-in on its own: `npx tsx stand-ins/rdap/main.ts [--port N] [--domain name ...]`. Each domain
 * (the 0ktapus domains without `--domain`) is registered through the example registrar, whose abuse desk is
 * abuse@registrar.example, and 127.0.0.0/8 is a hosting network with abuse@hosting.example.
 */
import { parseArgs } from 'node:util';
import { LOOPBACK_HOSTING, OKTAPUS_DOMAINS, oktapusDomain } from './oktapus';
import { startRdapStandIn } from './server';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, domain: { type: 'string', multiple: true, default: [] } },
});
const rdap = await startRdapStandIn({ port: Number(values.port) || undefined });
for (const name of values.domain.length > 0 ? values.domain : OKTAPUS_DOMAINS) rdap.addDomain(oktapusDomain(name));
rdap.addNetwork(LOOPBACK_HOSTING);
console.log(`RDAP stand-in on ${rdap.url}; TAKEDOWN_RDAP_BOOTSTRAP_URL=${rdap.bootstrapUrl}`);
