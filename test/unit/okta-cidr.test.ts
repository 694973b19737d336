import { describe, expect, it } from 'vitest';
import { contains, covers, parseCidr, parseZoneAddress, sameNetwork } from '../../activities/okta/cidr';
import { buildFilter } from '../../activities/okta/logs';
import { oktaSearchLogs } from '../../activities/okta/specs';

function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`not a CIDR: ${text}`);
  return parsed;
}

describe('CIDR blocks and zone addresses', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7/32'],
    ['10.0.0.5/24', '10.0.0.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::1', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1/64', '2001:db8::/64'],
    ['::ffff:192.0.2.1', '::ffff:c000:201/128'],
  ])('canonicalises %s as %s', (text, canonical) => {
    expect(cidr(text).text).toBe(canonical);
  });

  it.each(['203.0.113.256', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/24/1', 'example.com', '10.0.0.0/x'])(
    'rejects %s',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it('tells when one block covers another, including Okta ranges', () => {
    expect(covers(cidr('203.0.113.0/24'), cidr('203.0.113.7'))).toBe(true);
    expect(covers(cidr('203.0.113.7'), cidr('203.0.113.0/24'))).toBe(false);
    const range = parseZoneAddress('RANGE', '192.0.2.1-192.0.2.9');
    if (!range) throw new Error('range did not parse');
    expect(covers(range, cidr('192.0.2.4'))).toBe(true);
    expect(covers(range, cidr('192.0.2.0/28'))).toBe(false);
    expect(covers(cidr('::/0'), cidr('203.0.113.7'))).toBe(false);
    expect(sameNetwork(cidr('10.0.0.5/24'), cidr('10.0.0.0/24'))).toBe(true);
    expect(contains(cidr('203.0.113.8/30'), '203.0.113.9')).toBe(true);
    expect(contains(cidr('203.0.113.8/30'), '203.0.113.7')).toBe(false);
  });
});

describe('the System Log filter built from indicators', () => {
  const input = (fields: Record<string, unknown>) => oktaSearchLogs.input.parse(fields);

  it('matches exact IPs and user agents, ANDed with event types and an extra filter', () => {
    const fields = input({ ips: ['203.0.113.7', '203.0.113.9'], userAgents: ['python-requests'], filter: 'x eq "y"' });
    expect(
      buildFilter(
        fields,
        fields.ips.map((text) => cidr(text)),
      ),
    ).toBe(
      'eventType eq "user.session.start" and (client.ipAddress eq "203.0.113.7" or client.ipAddress eq "203.0.113.9")' +
        ' and client.userAgent.rawUserAgent co "python-requests" and (x eq "y")',
    );
  });

  it('narrows a block by its whole octets, and leaves blocks Okta cannot narrow to the exact match', () => {
    const octets = input({ ips: ['203.0.113.0/24', '10.1.0.0/20'] });
    expect(
      buildFilter(
        octets,
        octets.ips.map((text) => cidr(text)),
      ),
    ).toBe('eventType eq "user.session.start" and (client.ipAddress sw "203.0.113." or client.ipAddress sw "10.1.")');
    const wide = input({ ips: ['203.0.113.0/24', '2001:db8::/32'], outcome: 'SUCCESS' });
    expect(
      buildFilter(
        wide,
        wide.ips.map((text) => cidr(text)),
      ),
    ).toBe('eventType eq "user.session.start" and outcome.result eq "SUCCESS"');
  });

  it('refuses a search without any indicator, which would match every sign-in', () => {
    expect(oktaSearchLogs.input.safeParse({}).success).toBe(false);
    expect(oktaSearchLogs.input.safeParse({ since: '7d', q: 'python' }).success).toBe(true);
    expect(oktaSearchLogs.input.safeParse({ ips: ['not-an-ip'] }).success).toBe(false);
    expect(oktaSearchLogs.input.safeParse({ ips: ['203.0.113.7'], since: 'last week' }).success).toBe(false);
  });
});
