import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { httpConfigFromEnv, slackConfigFromEnv } from '../../config/slack';

describe('the Slack configuration', () => {
  it('is absent when neither the token nor the signing secret is set', () => {
    expect(slackConfigFromEnv({})).toBeUndefined();
  });

  it('reads the token, secret, API URL, command, default channel and run permissions', () => {
    const config = slackConfigFromEnv({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      SLACK_COMMAND: '/contain',
      SLACK_DEFAULT_CHANNEL: 'C0RUNS',
      SLACK_RUN_PERMISSIONS: '{"okta-account-compromise": {"groups": ["secops-oncall"]}, "*": {"users": ["U0LEAD"]}}',
    });
    expect(config).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret',
      apiUrl: 'http://127.0.0.1:9999/api/',
      command: '/contain',
      defaultChannel: 'C0RUNS',
      runPermissions: {
        'okta-account-compromise': { users: [], groups: ['secops-oncall'] },
        '*': { users: ['U0LEAD'], groups: [] },
      },
    });
  });

  it('defaults to Slack’s API and /cordon', () => {
    expect(slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toMatchObject({
      apiUrl: 'https://slack.com/api/',
      command: '/cordon',
    });
  });

  it('takes a bot token without the signing secret (a cordon serve that forwards requests to the worker)', () => {
    const config = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '' });
    expect(config).toMatchObject({ botToken: 'xoxb-1' });
    expect(config?.signingSecret).toBeUndefined();
  });

  it('names the variable that is wrong, never echoing a secret', () => {
    expect(() => slackConfigFromEnv({ SLACK_SIGNING_SECRET: 'secret-value' })).toThrow(
      new ConfigError('SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN: set the bot token too, or neither'),
    );
    expect(() =>
      slackConfigFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', SLACK_COMMAND: 'cordon' }),
    ).toThrow(/SLACK_COMMAND: must be a slash/);
    expect(() =>
      slackConfigFromEnv({
        SLACK_BOT_TOKEN: 'x',
        SLACK_SIGNING_SECRET: 's',
        SLACK_RUN_PERMISSIONS: '{"pb": {"users": "U1"}}',
      }),
    ).toThrow(/SLACK_RUN_PERMISSIONS\.pb\.users/);
    expect(() =>
      slackConfigFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', SLACK_RUN_PERMISSIONS: '{' }),
    ).toThrow(/SLACK_RUN_PERMISSIONS is not valid JSON/);
    try {
      slackConfigFromEnv({
        SLACK_BOT_TOKEN: 'xoxb-secret-value',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: 'not a url',
      });
    } catch (error) {
      expect((error as Error).message).toMatch(/SLACK_API_URL/);
      expect((error as Error).message).not.toContain('xoxb-secret-value');
    }
  });

  it('reads the HTTP port, 3000 by default', () => {
    expect(httpConfigFromEnv({})).toEqual({ port: 3000 });
    expect(httpConfigFromEnv({ CORDON_HTTP_PORT: '8080' })).toEqual({ port: 8080 });
    expect(() => httpConfigFromEnv({ CORDON_HTTP_PORT: 'eighty' })).toThrow(/CORDON_HTTP_PORT/);
    expect(() => httpConfigFromEnv({ CORDON_HTTP_PORT: '70000' })).toThrow(/CORDON_HTTP_PORT/);
  });
});
