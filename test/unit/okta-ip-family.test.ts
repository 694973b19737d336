import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipFamily } from '../../activities/okta/ip-family';

const SAMPLES = [
  '203.0.113.7',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4.5',
  '1.2.3.4 ',
  '',
  '::',
  '::1',
  '1::',
  '2001:db8::',
  '2001:DB8:0:0:8:800:200C:417A',
  '2001:db8:0:0:8:800:200c:417a:1',
  '2001:db8::8::1',
  '2001:db8:::1',
  ':1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:',
  '1:2:3:4:5:6:7::',
  '::1:2:3:4:5:6:7',
  '1:2:3:4:5:6::7',
  '::ffff:192.0.2.1',
  '64:ff9b::192.0.2.33',
  '1:2:3:4:5:6:192.0.2.1',
  '1:2:3:4:5:6:7:192.0.2.1',
  '::192.0.2.1:1',
  '12345::1',
  'g::1',
  'example.com',
  '203.0.113.0/24',
];

describe('ipFamily', () => {
  it('agrees with node:net isIP on addresses, near-misses and garbage', () => {
    for (const sample of SAMPLES) expect(ipFamily(sample), sample).toBe(isIP(sample));
  });

  it('refuses IPv6 zone ids, which node accepts but a blocklist cannot use', () => {
    expect(isIP('fe80::1%eth0')).toBe(6);
    expect(ipFamily('fe80::1%eth0')).toBe(0);
  });
});
