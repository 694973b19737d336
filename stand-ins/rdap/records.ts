/**
 * RDAP JSON as registries and RIRs serve it (RFC 9083 and ICANN's gTLD response profile): the registrar entity with its
 * abuse contact nested inside, events with dates, name servers; networks with the abuse contact nested in the
 * registrant organisation, as ARIN does.
 */

export interface RdapDomainSeed {
  name: string;
  /** Without `abuseEmail`, the registrar entity has no nested abuse contact. */
  registrar?: { name: string; ianaId?: string; abuseEmail?: string; abusePhone?: string };
  registeredAt?: string;
  expiresAt?: string;
  lastChangedAt?: string;
  status?: string[];
  nameservers?: string[];
}

export interface RdapNetworkSeed {
  /** `127.0.0.0/8` or `2001:db8::/32`. */
  cidr: string;
  name: string;
  handle?: string;
  country?: string;
  organisation?: string;
  abuseEmail?: string;
}

const CONFORMANCE = ['rdap_level_0', 'icann_rdap_response_profile_1', 'icann_rdap_technical_implementation_guide_1'];

type Json = Record<string, unknown>;

function vcard(properties: [string, Json, string, string][]): unknown[] {
  return ['vcard', [['version', {}, 'text', '4.0'], ...properties]];
}

function abuseEntity(email: string, phone?: string): Json {
  return {
    objectClassName: 'entity',
    roles: ['abuse'],
    vcardArray: vcard([
      ['fn', {}, 'text', 'Abuse Contact'],
      ...(phone ? [['tel', { type: 'voice' }, 'uri', `tel:${phone}`] as [string, Json, string, string]] : []),
      ['email', {}, 'text', email],
    ]),
  };
}

export function domainRecord(seed: RdapDomainSeed, selfUrl: string, now: Date): Json {
  const { registrar } = seed;
  const events = [
    ['registration', seed.registeredAt],
    ['expiration', seed.expiresAt],
    ['last changed', seed.lastChangedAt],
    ['last update of RDAP database', now.toISOString()],
  ]
    .filter((event): event is [string, string] => event[1] !== undefined)
    .map(([eventAction, eventDate]) => ({ eventAction, eventDate }));
  return {
    objectClassName: 'domain',
    handle: `${seed.name.replace(/\W/g, '_').toUpperCase()}-DOM`,
    // Registries answer in upper case; clients must not care.
    ldhName: seed.name.toUpperCase(),
    links: [{ value: selfUrl, rel: 'self', href: selfUrl, type: 'application/rdap+json' }],
    status: seed.status ?? ['client transfer prohibited'],
    entities: registrar
      ? [
          {
            objectClassName: 'entity',
            handle: registrar.ianaId ?? 'UNKNOWN',
            roles: ['registrar'],
            publicIds: registrar.ianaId ? [{ type: 'IANA Registrar ID', identifier: registrar.ianaId }] : [],
            vcardArray: vcard([['fn', {}, 'text', registrar.name]]),
            entities: registrar.abuseEmail ? [abuseEntity(registrar.abuseEmail, registrar.abusePhone)] : [],
          },
        ]
      : [],
    events,
    secureDNS: { delegationSigned: false },
    nameservers: (seed.nameservers ?? []).map((ldhName) => ({
      objectClassName: 'nameserver',
      ldhName: ldhName.toUpperCase(),
    })),
    rdapConformance: CONFORMANCE,
    notices: [{ title: 'Terms of Use', description: ['A local RDAP stand-in for tests.'] }],
  };
}

function ipv4Range(cidr: string): { start: string; end: string } | undefined {
  const [network, bits] = cidr.split('/');
  const parts = network?.split('.').map(Number);
  if (!parts || parts.length !== 4 || bits === undefined) return undefined;
  const base = parts.reduce((value, part) => value * 256 + part, 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  const toText = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
  return { start: toText(start), end: toText(start + size - 1) };
}

export function networkRecord(seed: RdapNetworkSeed, selfUrl: string): Json {
  const v4 = ipv4Range(seed.cidr);
  const [network] = seed.cidr.split('/');
  const organisation = seed.organisation ?? seed.name;
  return {
    objectClassName: 'ip network',
    handle: seed.handle ?? `NET-${seed.cidr.replace(/\W/g, '-')}`,
    startAddress: v4?.start ?? network,
    endAddress: v4?.end ?? network,
    ipVersion: v4 ? 'v4' : 'v6',
    name: seed.name,
    type: 'DIRECT ALLOCATION',
    country: seed.country,
    links: [{ value: selfUrl, rel: 'self', href: selfUrl, type: 'application/rdap+json' }],
    entities: [
      {
        objectClassName: 'entity',
        handle: organisation.replace(/\W/g, '').toUpperCase().slice(0, 10),
        roles: ['registrant'],
        vcardArray: vcard([
          ['fn', {}, 'text', organisation],
          ['kind', {}, 'text', 'org'],
        ]),
        entities: seed.abuseEmail ? [abuseEntity(seed.abuseEmail)] : [],
      },
    ],
    events: [{ eventAction: 'registration', eventDate: '2015-03-01T00:00:00Z' }],
    rdapConformance: ['rdap_level_0', 'cidr0'],
  };
}

export function rdapError(errorCode: number, title: string, description: string): Json {
  return { errorCode, title, description: [description], rdapConformance: ['rdap_level_0'] };
}
