/**
 * Starts the DNS stand-in on its own, the 0ktapus domains resolving to 127.0.0.1: `npx tsx stand-ins/dns/main.ts
 * [port]`. Try it with `dig @127.0.0.1 -p PORT twilio-okta.com`.
 */
import { OKTAPUS_DOMAINS } from '../rdap/oktapus';
import { startDnsStandIn } from './server';

const dns = await startDnsStandIn({ port: Number(process.argv[2]) || undefined });
for (const name of OKTAPUS_DOMAINS) {
  dns.set(name, { A: ['127.0.0.1'], NS: ['ns1.bulletproof.example', 'ns2.bulletproof.example'] });
}
console.log(`DNS stand-in on udp ${dns.server}; TAKEDOWN_DNS_SERVERS=${dns.server}`);
