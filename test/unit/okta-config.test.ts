import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { OKTA_DEFAULT_SCOPES, oktaConfigFromEnv } from '../../config/okta';

describe('oktaConfigFromEnv', () => {
  it('returns undefined when Okta is not configured', () => {
    expect(oktaConfigFromEnv({})).toBeUndefined();
  });

  it('reads an SSWS token, with the default request timeout', () => {
    expect(oktaConfigFromEnv({ OKTA_ORG_URL: 'https://acme.okta.example/', OKTA_API_TOKEN: '00abc' })).toEqual({
      orgUrl: 'https://acme.okta.example',
      auth: { mode: 'ssws', token: '00abc' },
      requestTimeoutMs: 30_000,
    });
  });

  it('reads a service app with a PEM key from an env file, requesting the scopes the actions need', () => {
    const config = oktaConfigFromEnv({
      OKTA_ORG_URL: 'https://acme.okta.example',
      OKTA_CLIENT_ID: '0oa123',
      OKTA_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----',
      OKTA_KEY_ID: 'kid-1',
      OKTA_REQUEST_TIMEOUT_MS: '5000',
    });
    expect(config?.auth).toEqual({
      mode: 'privateKey',
      clientId: '0oa123',
      privateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      keyId: 'kid-1',
      scopes: [...OKTA_DEFAULT_SCOPES],
    });
    expect(config?.requestTimeoutMs).toBe(5_000);
  });

  it('takes a JWK as it is and scopes separated by spaces or commas', () => {
    const jwk = JSON.stringify({ kty: 'RSA', kid: 'k', n: 'x\\ny', e: 'AQAB' });
    const config = oktaConfigFromEnv({
      OKTA_ORG_URL: 'https://acme.okta.example',
      OKTA_CLIENT_ID: '0oa123',
      OKTA_PRIVATE_KEY: jwk,
      OKTA_SCOPES: 'okta.users.read, okta.users.manage',
    });
    expect(config?.auth).toMatchObject({ privateKey: jwk, scopes: ['okta.users.read', 'okta.users.manage'] });
  });

  it('accepts http only on loopback, for the local Okta', () => {
    expect(oktaConfigFromEnv({ OKTA_ORG_URL: 'http://127.0.0.1:8080', OKTA_API_TOKEN: 't' })?.orgUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => oktaConfigFromEnv({ OKTA_ORG_URL: 'http://acme.okta.example', OKTA_API_TOKEN: 't' })).toThrow(
      /orgUrl: must be https:\/\//,
    );
  });

  it.each([
    [{ OKTA_API_TOKEN: 't' }, /OKTA_ORG_URL is required/],
    [{ OKTA_ORG_URL: 'https://acme.okta.example' }, /no credentials/],
    [{ OKTA_ORG_URL: 'https://acme.okta.example', OKTA_CLIENT_ID: '0oa' }, /go together/],
    [{ OKTA_ORG_URL: 'https://acme.okta.example', OKTA_API_TOKEN: 't', OKTA_CLIENT_ID: '0oa' }, /not both/],
    [
      { OKTA_ORG_URL: 'https://acme.okta.example', OKTA_API_TOKEN: 't', OKTA_REQUEST_TIMEOUT_MS: 'soon' },
      /whole number/,
    ],
  ])('refuses an incomplete or contradictory environment: %j', (env, message) => {
    expect(() => oktaConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => oktaConfigFromEnv(env)).toThrow(message);
  });

  it('never echoes a secret in its errors', () => {
    const secret = 'super-secret-token-value';
    expect(() => oktaConfigFromEnv({ OKTA_ORG_URL: 'not a url', OKTA_API_TOKEN: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});
