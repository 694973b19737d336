/**
 * Runs the local Slack on its own: `npx tsx stand-ins/slack/main.ts --port 0 [--token T] [--host H]`. Seeds a
 * `#sec-runs` channel, three responders and a `secops-oncall` user group, prints the environment a worker and
 * `cordon serve` need, and serves until interrupted.
 */
import { parseArgs } from 'node:util';
import { startSlackStandIn } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  const slack = await startSlackStandIn({
    port,
    host: values.host,
    token: values.token,
    channels: [
      { id: 'C0SECRUNS', name: 'sec-runs' },
      { id: 'C0SECLEADS', name: 'sec-leads' },
    ],
    users: [
      { id: 'U0ALICE', name: 'alice' },
      { id: 'U0BOB', name: 'bob' },
      { id: 'U0CAROL', name: 'carol' },
    ],
    usergroups: [{ id: 'S0ONCALL', handle: 'secops-oncall', users: ['U0BOB', 'U0CAROL'] }],
  });
  console.log(`local Slack listening on ${slack.url}`);
  console.log(`SLACK_API_URL=${slack.apiUrl}`);
  console.log(`SLACK_BOT_TOKEN=${slack.token}`);
  console.log('SLACK_DEFAULT_CHANNEL=C0SECRUNS');
  const stop = () => {
    slack.close().then(
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
