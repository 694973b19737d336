import { describe, expect, it } from 'vitest';
import { domainServiceUrl, ipServiceUrl } from '../../activities/takedown/rdap-bootstrap';
import {
  eventDate,
  networkOf,
  rdapDomainSchema,
  rdapNetworkSchema,
  readVCard,
  registrarOf,
} from '../../activities/takedown/rdap-parse';

const dnsBootstrap = {
  services: [
    [
      ['com', 'net'],
      ['http://rdap.registry.example/com/v1/', 'https://rdap.registry.example/com/v1/'],
    ],
    [['org'], ['https://rdap.org-registry.example']],
    [['uk', 'co.uk'], ['https://rdap.uk.example/']],
  ] as [string[], string[]][],
};

const ipv4Bootstrap = {
  services: [
    [['41.0.0.0/8', '102.0.0.0/8'], ['https://rdap.afrinic.example/rdap/']],
    [['104.0.0.0/6'], ['https://rdap.arin.example/registry/']],
    [['104.16.0.0/12'], ['https://rdap.more-specific.example/']],
  ] as [string[], string[]][],
};

function vcard(...properties: unknown[][]): unknown[] {
  return ['vcard', [['version', {}, 'text', '4.0'], ...properties]];
}

describe('RDAP bootstrap', () => {
  it('finds the registry of a domain by its TLD, preferring https', () => {
    expect(domainServiceUrl(dnsBootstrap, 'twilio-okta.com')).toBe('https://rdap.registry.example/com/v1/');
    expect(domainServiceUrl(dnsBootstrap, 'sendgrid-okta.org')).toBe('https://rdap.org-registry.example/');
    expect(domainServiceUrl(dnsBootstrap, 'phish.example.xyz')).toBeUndefined();
  });

  it('takes the longest matching suffix', () => {
    expect(domainServiceUrl(dnsBootstrap, 'okta-login.co.uk')).toBe('https://rdap.uk.example/');
  });

  it('finds the registry of an address by its longest matching prefix', () => {
    expect(ipServiceUrl(ipv4Bootstrap, '41.1.2.3')).toBe('https://rdap.afrinic.example/rdap/');
    expect(ipServiceUrl(ipv4Bootstrap, '104.18.1.1')).toBe('https://rdap.more-specific.example/');
    expect(ipServiceUrl(ipv4Bootstrap, '107.0.0.1')).toBe('https://rdap.arin.example/registry/');
    expect(ipServiceUrl(ipv4Bootstrap, '8.8.8.8')).toBeUndefined();
    expect(ipServiceUrl(ipv4Bootstrap, 'not an address')).toBeUndefined();
  });
});

describe('RDAP answers', () => {
  const domain = rdapDomainSchema.parse({
    objectClassName: 'domain',
    ldhName: 'TWILIO-OKTA.COM',
    status: ['client transfer prohibited'],
    events: [
      { eventAction: 'registration', eventDate: '2022-07-28T14:02:11Z' },
      { eventAction: 'expiration', eventDate: '2023-07-28T14:02:11Z' },
    ],
    nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.BULLETPROOF.EXAMPLE' }],
    entities: [
      {
        objectClassName: 'entity',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
        vcardArray: vcard(['fn', {}, 'text', 'Example Registrar, Inc.']),
        entities: [
          {
            roles: ['abuse'],
            vcardArray: vcard(
              ['fn', {}, 'text', ''],
              ['tel', { type: 'voice' }, 'uri', 'tel:+1.5555550100'],
              ['email', {}, 'text', 'Abuse@Registrar.Example'],
            ),
          },
        ],
      },
      { roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'registry-abuse@registry.example']) },
    ],
  });

  it('reads the registrar and the abuse contact nested inside it, as gTLD registries answer', () => {
    expect(registrarOf(domain)).toEqual({
      name: 'Example Registrar, Inc.',
      ianaId: '9999',
      abuseEmails: ['abuse@registrar.example'],
    });
    expect(eventDate(domain, 'registration')).toBe('2022-07-28T14:02:11Z');
    expect(eventDate(domain, 'last changed')).toBeUndefined();
  });

  it('falls back to an abuse contact anywhere in the answer when the registrar has none', () => {
    const bare = rdapDomainSchema.parse({
      objectClassName: 'domain',
      ldhName: 'X.UK',
      entities: [
        { roles: ['registrar'], vcardArray: vcard(['fn', {}, 'text', 'Registrar Ltd']) },
        { roles: ['abuse'], vcardArray: vcard(['email', {}, 'text', 'mailto:abuse@registry.example']) },
      ],
    });
    expect(registrarOf(bare).abuseEmails).toEqual(['abuse@registry.example']);
  });

  it('finds no abuse contact when there is none, instead of failing to parse', () => {
    const none = rdapDomainSchema.parse({
      objectClassName: 'domain',
      ldhName: 'X.COM',
      entities: [{ roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text']]] }],
    });
    expect(registrarOf(none)).toEqual({ name: undefined, ianaId: undefined, abuseEmails: [] });
  });

  it('reads the abuse contact of a network nested in its organisation, as ARIN answers', () => {
    const network = rdapNetworkSchema.parse({
      objectClassName: 'ip network',
      handle: 'NET-104-16-0-0-1',
      startAddress: '104.16.0.0',
      endAddress: '104.31.255.255',
      name: 'HOSTING-NET',
      country: 'US',
      entities: [
        {
          roles: ['registrant'],
          vcardArray: vcard(['fn', {}, 'text', 'Example Hosting LLC'], ['kind', {}, 'text', 'org']),
          entities: [{ roles: ['abuse', 'noc'], vcardArray: vcard(['email', {}, 'text', 'abuse@hosting.example']) }],
        },
      ],
    });
    expect(networkOf(network)).toEqual({
      name: 'HOSTING-NET',
      handle: 'NET-104-16-0-0-1',
      range: '104.16.0.0 - 104.31.255.255',
      country: 'US',
      organisation: 'Example Hosting LLC',
      abuseEmails: ['abuse@hosting.example'],
    });
  });

  it('ignores malformed vCards', () => {
    expect(readVCard(undefined)).toEqual({ emails: [] });
    expect(readVCard(['vcard', [['email'], 'junk', ['email', {}, 'text', 42]]])).toEqual({ emails: [] });
  });
});
