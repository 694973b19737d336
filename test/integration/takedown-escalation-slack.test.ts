/** Takedown escalations reach the responders where runs post (Slack's default channel) when Slack is configured. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config';
import { startSlackStandIn, type SlackStandIn } from '../../stand-ins/slack';
import { buildServices } from '../../worker';

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await startSlackStandIn({ channels: [{ id: 'C0RUNS', name: 'sec-runs' }] });
});
afterAll(() => slack.close());

describe('takedown escalation notices', () => {
  it('are posted to the default Slack channel, and say where they went', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: 'unused',
      SLACK_API_URL: slack.apiUrl,
      SLACK_DEFAULT_CHANNEL: 'C0RUNS',
    });
    const notifier = buildServices(config, () => {}).clients.takedown?.notifier;
    expect(notifier).toBeDefined();
    const where = await notifier!.notify(
      {
        domain: 'twilio-okta.com',
        level: 1,
        reason: 'twilio-okta.com is still up 2d after it was reported',
        reportedAt: '2022-08-04T10:00:00Z',
        reportedTo: [{ provider: 'email', to: 'abuse@registrar.example' }],
        reports: [{ provider: 'netcraft', to: 'takedown.netcraft.com', status: 'sent', at: '2022-08-06T10:00:00Z' }],
      },
      { info: () => {}, warn: () => {} },
    );
    expect(where).toBe('slack:C0RUNS');
    const [message] = slack.messagesIn('C0RUNS');
    expect(message?.text).toContain('Takedown of twilio-okta.com escalated (level 1)');
    expect(message?.text).toContain('still up 2d after it was reported');
    expect(message?.text).toContain('netcraft:takedown.netcraft.com (sent)');
  });
});
