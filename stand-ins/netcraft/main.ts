/** Starts the Netcraft takedown API stand-in on its own: `npx tsx stand-ins/netcraft/main.ts [port]`. */
import { startNetcraftStandIn } from './server';

const netcraft = await startNetcraftStandIn({ port: Number(process.argv[2]) || undefined });
console.log(
  `Netcraft stand-in on ${netcraft.url}; NETCRAFT_API_URL=${netcraft.url} NETCRAFT_API_TOKEN=${netcraft.token}`,
);
