/** The DNS stand-in's control endpoint: a user flips a name to NXDOMAIN and back, or sets its address, over HTTP. */
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsControl, type DnsControl } from '../../stand-ins/dns/control';
import { startDnsStandIn, type DnsStandIn } from '../../stand-ins/dns/server';

let dns: DnsStandIn;
let control: DnsControl;
beforeAll(async () => {
  dns = await startDnsStandIn();
  control = await startDnsControl(dns);
});
afterAll(async () => {
  await control.close();
  await dns.close();
});

async function resolve(name: string): Promise<string[] | string> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.server]);
  return resolver.resolve4(name).catch((error: NodeJS.ErrnoException) => error.code ?? 'error');
}

const post = (name: string, body: unknown) =>
  fetch(`${control.url}/domains/${name}`, { method: 'POST', body: JSON.stringify(body) });

describe('the DNS stand-in control endpoint', () => {
  it('sets a name, flips it to NXDOMAIN and back', async () => {
    expect((await post('okta-control.com', { A: ['127.0.0.9'] })).status).toBe(200);
    expect(await resolve('okta-control.com')).toEqual(['127.0.0.9']);
    expect((await post('okta-control.com', { mode: 'nxdomain' })).status).toBe(200);
    expect(await resolve('okta-control.com')).toBe('ENOTFOUND');
    await post('okta-control.com', { mode: 'answer' });
    expect(await resolve('okta-control.com')).toEqual(['127.0.0.9']);
    expect(await (await fetch(`${control.url}/domains`)).json()).toMatchObject({
      'okta-control.com': { A: ['127.0.0.9'], mode: 'answer' },
    });
  });

  it('refuses a bad change, saying what it takes, and changes nothing', async () => {
    const response = await post('okta-control.com', { mode: 'gone' });
    expect(response.status).toBe(400);
    expect(await resolve('okta-control.com')).toEqual(['127.0.0.9']);
    expect((await fetch(`${control.url}/nope`)).status).toBe(404);
  });
});
