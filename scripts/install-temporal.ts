/** Makes sure a Temporal CLI is available (see temporal/cli.ts), printing where it is. Run by `npm test`. */
import { loadConfig } from '../config/config';
import { findOrInstallTemporalCli } from '../temporal/cli';

const config = loadConfig(process.env);
try {
  const cli = await findOrInstallTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    searchPath: process.env.PATH,
    log: (line) => console.log(line),
  });
  console.log(`Temporal CLI: ${cli}`);
} catch (error) {
  console.error(`cordon: ${(error as Error).message}`);
  process.exit(1);
}
