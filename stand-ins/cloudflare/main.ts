/** Starts the Cloudflare abuse-reports API stand-in on its own: `npx tsx stand-ins/cloudflare/main.ts [port]`. */
import { startCloudflareStandIn } from './server';

const cloudflare = await startCloudflareStandIn({ port: Number(process.argv[2]) || undefined });
console.log(
  `Cloudflare stand-in on ${cloudflare.url}; CLOUDFLARE_API_URL=${cloudflare.url} ` +
    `CLOUDFLARE_API_TOKEN=${cloudflare.token} CLOUDFLARE_ACCOUNT_ID=${cloudflare.accountId}`,
);
