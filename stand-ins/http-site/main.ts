/** Starts the phishing-site stand-in on its own: `npx tsx stand-ins/http-site/main.ts [port]`. */
import { startHttpSiteStandIn } from './server';

const site = await startHttpSiteStandIn({ port: Number(process.argv[2]) || undefined });
console.log(`phishing-site stand-in on ${site.url}; TAKEDOWN_SITE_SCHEME=http TAKEDOWN_SITE_PORT=${site.port}`);
