/**
 * cordon's worker as `worker.ts` builds it (the same `loadConfig`, `connectionSettings` and `startWorker`), started
 * in two halves: the process loads and configures itself, says `loaded`, and waits for a `start` line on stdin before
 * it connects and polls. The campaign keeps one such standby loaded, so the restart after a kill costs a connection,
 * not the seconds a busy machine spends loading modules, and a campaign of a hundred kills stays affordable.
 */
import { once } from 'node:events';
import { loadConfig } from '../../config/config';
import { connectionSettings } from '../../runs/connect';
import { installRuntimeLogger } from '../../temporal/logger';
import { startWorker } from '../../worker';

const config = loadConfig(process.env);
installRuntimeLogger(config.logLevel);
const settings = connectionSettings(config, process.env);
process.stdout.write('loaded\n');
process.stdin.setEncoding('utf8');
let input = '';
// A campaign killed before it needed this standby closes its stdin: leave then, rather than wait for ever.
process.stdin.once('end', () => {
  if (!input.includes('start')) process.exit(0);
});
while (!input.includes('start')) {
  const [chunk] = (await once(process.stdin, 'data')) as [string];
  input += chunk;
}
const worker = await startWorker(config, settings);
process.stdout.write(`cordon worker: ${settings.address}, task queue ${config.temporal.taskQueue}\n`);
await worker.run();
