import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Env } from '../../config/config';
import { takedownConfigFromEnv } from '../../config/takedown';

describe('takedownConfigFromEnv', () => {
  it('returns nothing when no takedown variable is set, so the actions fail as not configured', () => {
    const env: Env = { PATH: '/usr/bin' };
    expect(takedownConfigFromEnv(env)).toBeUndefined();
  });

  it('reads resolver, RDAP, site, SMTP and providers from the environment', () => {
    const config = takedownConfigFromEnv({
      TAKEDOWN_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2',
      TAKEDOWN_RDAP_BOOTSTRAP_URL: 'http://127.0.0.1:8080/bootstrap/',
      TAKEDOWN_SITE_SCHEME: 'http',
      TAKEDOWN_SITE_PORT: '8081',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '2525',
      SMTP_USER: 'cordon',
      SMTP_PASS: 'secret',
      SMTP_FROM: 'secops@acme.example',
      NETCRAFT_API_TOKEN: 'nc-token',
      CLOUDFLARE_API_TOKEN: 'cf-token',
      CLOUDFLARE_ACCOUNT_ID: 'account-1',
      TAKEDOWN_STATE_DIR: '/var/lib/cordon/takedown',
    });
    expect(config).toMatchObject({
      dnsServers: ['127.0.0.1:5353', '127.0.0.2'],
      rdapBootstrapUrl: 'http://127.0.0.1:8080/bootstrap/',
      site: { scheme: 'http', port: 8081 },
      reporter: { name: 'cordon', email: 'secops@acme.example' },
      smtp: {
        host: '127.0.0.1',
        port: 2525,
        secure: false,
        user: 'cordon',
        pass: 'secret',
        from: 'secops@acme.example',
      },
      netcraft: { token: 'nc-token', url: 'https://takedown.netcraft.com/' },
      cloudflare: { token: 'cf-token', accountId: 'account-1', url: 'https://api.cloudflare.com/client/v4/' },
      stateDir: '/var/lib/cordon/takedown',
    });
  });

  it('defaults to the system resolver, the IANA bootstrap and https on the standard port', () => {
    const config = takedownConfigFromEnv(
      { SMTP_HOST: 'mail.acme.example', SMTP_FROM: 'secops@acme.example' },
      { dataDir: '/data' },
    );
    expect(config?.dnsServers).toEqual([]);
    expect(config?.rdapBootstrapUrl).toBe('https://data.iana.org/rdap/');
    expect(config?.site).toEqual({ scheme: 'https', timeoutMs: 10_000, allowPrivateAddresses: false });
    expect(config?.stateDir).toBe(path.join('/data', 'takedown'));
  });

  it('names the variable that is wrong', () => {
    expect(() => takedownConfigFromEnv({ SMTP_HOST: 'mail.acme.example', SMTP_FROM: 'not an address' })).toThrow(
      /SMTP_FROM/,
    );
    expect(() => takedownConfigFromEnv({ SMTP_HOST: 'h', SMTP_FROM: 'a@acme.example', SMTP_PORT: 'many' })).toThrow(
      /SMTP_PORT/,
    );
    expect(() => takedownConfigFromEnv({ TAKEDOWN_SITE_SCHEME: 'gopher' })).toThrow(/TAKEDOWN_SITE_SCHEME/);
    expect(() => takedownConfigFromEnv({ SMTP_HOST: 'h', SMTP_FROM: 'a@acme.example', SMTP_SECURE: 'maybe' })).toThrow(
      ConfigError,
    );
  });

  it('refuses Cloudflare without an account id or a reporter address', () => {
    expect(() =>
      takedownConfigFromEnv({ CLOUDFLARE_API_TOKEN: 't', TAKEDOWN_REPORTER_EMAIL: 'a@acme.example' }),
    ).toThrow(/CLOUDFLARE_ACCOUNT_ID/);
    expect(() => takedownConfigFromEnv({ CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_ACCOUNT_ID: 'x' })).toThrow(
      /REPORTER_EMAIL/,
    );
  });
});
