/** Starts the RDAP stand-in on its own, seeded with the 0ktapus domains: `npx tsx stand-ins/rdap/main.ts [port]`. */
import { LOOPBACK_HOSTING, OKTAPUS_DOMAINS, oktapusDomain } from './oktapus';
import { startRdapStandIn } from './server';

const rdap = await startRdapStandIn({ port: Number(process.argv[2]) || undefined });
for (const name of OKTAPUS_DOMAINS) rdap.addDomain(oktapusDomain(name));
rdap.addNetwork(LOOPBACK_HOSTING);
console.log(`RDAP stand-in on ${rdap.url}; TAKEDOWN_RDAP_BOOTSTRAP_URL=${rdap.bootstrapUrl}`);
