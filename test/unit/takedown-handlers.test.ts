import { describe, expect, it } from 'vitest';
import type { ActionContext } from '../../activities/action';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { takedownActivityActions } from '../../activities/takedown/specs';

const context: ActionContext = {
  heartbeat: () => {},
  signal: new AbortController().signal,
  workflowId: 'run-1',
  activityId: 'takedown[0]',
  attempt: 1,
  log: { info: () => {}, warn: () => {} },
};

describe('takedown handlers', () => {
  it('exist for every takedown action that runs as an activity', () => {
    const handlers = createTakedownHandlers({ config: undefined });
    expect(Object.keys(handlers).sort()).toEqual(takedownActivityActions.map((spec) => spec.name).sort());
  });

  it('fail as not configured, saying what to set, when the worker has no takedown configuration', async () => {
    const handlers = createTakedownHandlers({ config: undefined });
    await expect(handlers['takedown.check']({ domain: 'twilio-okta.com' }, context)).rejects.toMatchObject({
      type: 'NotConfigured',
      retryable: false,
      message: expect.stringContaining('SMTP_HOST'),
    });
  });

  it('refuse to report through a provider the worker does not have', async () => {
    const handlers = createTakedownHandlers({
      config: {
        dnsServers: ['127.0.0.1:9'],
        dnsTimeoutMs: 100,
        rdapBootstrapUrl: 'http://127.0.0.1:9/',
        site: { scheme: 'http', timeoutMs: 100, allowPrivateAddresses: false },
        reporter: { name: 'ACME', email: 'secops@acme.example' },
        smtp: { host: '127.0.0.1', port: 9, secure: false, from: 'secops@acme.example' },
        stateDir: '/nonexistent',
      },
    });
    await expect(
      handlers['takedown.request']({ domain: 'twilio-okta.com', providers: ['netcraft'] }, context),
    ).rejects.toMatchObject({ type: 'NotConfigured', message: 'provider netcraft is not configured on this worker' });
  });
});
