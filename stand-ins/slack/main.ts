/**
 * Runs the local Slack on its own: `npx tsx stand-ins/slack/main.ts --port 0 [--token T] [--host H]`. Seeds a
 * `#sec-runs` channel, three responders and a `secops-oncall` user group, prints the environment a worker and
 * `cordon serve` need, and serves until interrupted.
 */
import { parseArgs } from 'node:util';
import { parsePort, runStandalone } from '../run-standalone';
import { startSlackStandIn } from './index';

async function main(): Promise<{ close(): Promise<void> }> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
    },
  });
  const port = parsePort(values.port);
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
  return slack;
}

runStandalone(main);
