import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config';
import { guardrailsConfigFromEnv } from '../../config/guardrails';

describe('guardrailsConfigFromEnv', () => {
  it('defaults to /16 and /32 as the widest blocks and no protected ranges', () => {
    expect(guardrailsConfigFromEnv({})).toMatchObject({
      network: { minPrefixV4: 16, minPrefixV6: 32, egress: [], corporate: [] },
    });
  });

  it('reads the ranges as canonical CIDR blocks, separated by commas or spaces', () => {
    const config = guardrailsConfigFromEnv({
      CORDON_EGRESS_CIDRS: '203.0.113.10 2001:db8::1',
      OKTA_CORPORATE_CIDRS: '10.1.2.3/16,192.0.2.0/24',
      OKTA_BLOCK_MIN_PREFIX_V4: '24',
    });
    expect(config.network.egress.map((cidr) => cidr.text)).toEqual(['203.0.113.10/32', '2001:db8::1/128']);
    expect(config.network.corporate.map((cidr) => cidr.text)).toEqual(['10.1.0.0/16', '192.0.2.0/24']);
    expect(config.network.minPrefixV4).toBe(24);
  });

  it('reads protected accounts and groups separated by commas, so a group name may hold spaces', () => {
    const config = guardrailsConfigFromEnv({
      OKTA_PROTECTED_USERS: 'break-glass@example.com, 00u1234567890abcdefg',
      OKTA_PROTECTED_GROUPS: 'Emergency Access,Okta Admins',
      OKTA_PROTECT_SUPER_ADMINS: 'false',
    });
    expect(config.principals).toEqual({
      users: ['break-glass@example.com', '00u1234567890abcdefg'],
      groups: ['Emergency Access', 'Okta Admins'],
      superAdmins: false,
    });
    expect(guardrailsConfigFromEnv({}).principals).toEqual({ users: [], groups: [], superAdmins: true });
    expect(() => guardrailsConfigFromEnv({ OKTA_PROTECT_SUPER_ADMINS: 'no' })).toThrow(
      new ConfigError('OKTA_PROTECT_SUPER_ADMINS must be true or false, got "no"'),
    );
  });

  it('names the variable and the value that is not a CIDR block', () => {
    expect(() => guardrailsConfigFromEnv({ OKTA_CORPORATE_CIDRS: '10.0.0.0/8, intranet' })).toThrow(
      new ConfigError('OKTA_CORPORATE_CIDRS: "intranet" is not an IP address or CIDR block'),
    );
  });

  it('refuses a minimum prefix outside the address size', () => {
    expect(() => guardrailsConfigFromEnv({ OKTA_BLOCK_MIN_PREFIX_V4: '33' })).toThrow(
      new ConfigError('OKTA_BLOCK_MIN_PREFIX_V4 must be a whole number from 0 to 32, got "33"'),
    );
  });

  it('reads the grant key as bytes, refusing one short enough to guess, and names none by default', () => {
    const key = 'k'.repeat(32);
    expect(guardrailsConfigFromEnv({ CORDON_GRANT_KEY: key }).grantKey).toEqual(new TextEncoder().encode(key));
    expect(guardrailsConfigFromEnv({}).grantKey).toBeUndefined();
    expect(() => guardrailsConfigFromEnv({ CORDON_GRANT_KEY: 'short' })).toThrow(
      new ConfigError('CORDON_GRANT_KEY must be at least 32 characters (e.g. openssl rand -base64 32), got 5'),
    );
  });
});
