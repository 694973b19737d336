import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { oktaBlockIps } from '../../activities/okta/specs';
import { guardrailsConfigFromEnv } from '../../config/guardrails';
import { oktaConfigSchema } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { recordingContext } from '../../stand-ins/okta/testing';

let okta: OktaStandIn;

beforeEach(async () => {
  okta = await startOktaStandIn();
});

afterEach(async () => {
  await okta.close();
});

function blockIps(cidrs: string[], env: Record<string, string> = {}, zone = 'Attackers') {
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } });
  const handlers = asHandlerMap(createOktaHandlers(createOktaClient(config), guardrailsConfigFromEnv(env)));
  const handler = handlers[oktaBlockIps.name];
  if (!handler) throw new Error('no okta.block_ips handler');
  return handler(oktaBlockIps.input.parse({ zone, cidrs }), recordingContext());
}

describe('okta.block_ips network safety', () => {
  it('refuses 0.0.0.0/0 and any IPv4 block wider than /16, and writes nothing', async () => {
    const zone = okta.addZone({ name: 'Attackers', gateways: ['198.51.100.0/24'] });
    await expect(blockIps(['0.0.0.0/0'])).rejects.toMatchObject({
      type: 'InvalidInput',
      retryable: false,
      message: expect.stringContaining('0.0.0.0/0 is wider than /16'),
    });
    await expect(blockIps(['203.0.113.7', '10.0.0.0/8'])).rejects.toMatchObject({
      message: expect.stringContaining('10.0.0.0/8 is wider than /16'),
    });
    expect(okta.changes).toHaveLength(0);
    expect(zone.gateways.map((gateway) => gateway.value)).toEqual(['198.51.100.0/24']);
    expect(await blockIps(['10.1.0.0/16'])).toMatchObject({ added: ['10.1.0.0/16'] });
  });

  it('refuses an IPv6 block wider than /32 unless the minimum prefix is configured lower', async () => {
    okta.addZone({ name: 'Attackers', gateways: ['198.51.100.0/24'] });
    await expect(blockIps(['::/0'])).rejects.toMatchObject({
      message: expect.stringContaining('::/0 is wider than /32'),
    });
    await expect(blockIps(['2001:db8::/24'])).rejects.toMatchObject({ type: 'InvalidInput' });
    expect(okta.changes).toHaveLength(0);
    expect(await blockIps(['2001:db8::/24'], { OKTA_BLOCK_MIN_PREFIX_V6: '24' })).toMatchObject({
      added: ['2001:d00::/24'],
    });
  });

  it("refuses cordon's own egress and the corporate ranges, even inside a wider block", async () => {
    okta.addZone({ name: 'Attackers', gateways: ['198.51.100.0/24'] });
    const env = { CORDON_EGRESS_CIDRS: '203.0.113.10', OKTA_CORPORATE_CIDRS: '192.0.2.0/24, 2001:db8:1::/48' };
    await expect(blockIps(['203.0.113.0/24'], env)).rejects.toMatchObject({
      type: 'ProtectedNetwork',
      retryable: false,
      message: expect.stringContaining("203.0.113.0/24 overlaps cordon's own egress 203.0.113.10/32"),
    });
    await expect(blockIps(['192.0.2.77'], env)).rejects.toMatchObject({
      message: expect.stringContaining('192.0.2.77/32 overlaps the corporate range 192.0.2.0/24'),
    });
    await expect(blockIps(['2001:db8:1:2::1'], env)).rejects.toMatchObject({ type: 'ProtectedNetwork' });
    expect(okta.changes).toHaveLength(0);
    expect(await blockIps(['203.0.113.11'], env)).toMatchObject({ added: ['203.0.113.11/32'] });
  });

  it('refuses a POLICY zone, whose addresses are trusted rather than blocked', async () => {
    okta.addZone({ name: 'Corporate VPN', usage: 'POLICY', gateways: ['192.0.2.0/24'] });
    await expect(blockIps(['203.0.113.7'], {}, 'Corporate VPN')).rejects.toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('is a POLICY zone, not an IP blocklist'),
    });
    expect(okta.changes).toHaveLength(0);
  });
});
