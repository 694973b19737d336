/**
 * Seed data for the 0ktapus scenario: the look-alike domains of the 2022 Twilio/Okta smishing campaign, registered
 * through a (fictional) registrar, hosted on a loopback network so checks and reports stay on this machine.
 */
import type { RdapDomainSeed, RdapNetworkSeed } from './records';

export const OKTAPUS_DOMAINS = ['twilio-okta.com', 'twilio-sso.com', 'sendgrid-okta.org'] as const;

export const EXAMPLE_REGISTRAR = {
  name: 'Example Registrar, Inc.',
  ianaId: '9999',
  abuseEmail: 'abuse@registrar.example',
  abusePhone: '+1.5555550100',
};

export function oktapusDomain(name: string, overrides: Partial<RdapDomainSeed> = {}): RdapDomainSeed {
  return {
    name,
    registrar: EXAMPLE_REGISTRAR,
    registeredAt: '2022-07-28T14:02:11Z',
    expiresAt: '2023-07-28T14:02:11Z',
    lastChangedAt: '2022-08-01T09:12:40Z',
    status: ['client transfer prohibited'],
    nameservers: ['ns1.bulletproof.example', 'ns2.bulletproof.example'],
    ...overrides,
  };
}

/** Where the look-alike domains resolve in tests: the loopback block, with a hosting company's abuse desk. */
export const LOOPBACK_HOSTING: RdapNetworkSeed = {
  cidr: '127.0.0.0/8',
  name: 'EXAMPLE-HOSTING-NET',
  handle: 'NET-127-0-0-0-1',
  country: 'US',
  organisation: 'Example Hosting LLC',
  abuseEmail: 'abuse@hosting.example',
};
