import { describe, expect, it } from 'vitest';
import { isPrivateAddress, pageTitle, probeSite } from '../../activities/takedown/site';

describe('the site probe', () => {
  it('reads the first page title, decoding entities and collapsing whitespace', () => {
    expect(pageTitle('<html><head><TITLE>\n  Okta &amp; Twilio &#8211; Sign&nbsp;In </TITLE></head>')).toBe(
      'Okta & Twilio – Sign In',
    );
    expect(pageTitle('<html><body>no title</body></html>')).toBeUndefined();
  });

  it('knows private, loopback and link-local addresses', () => {
    for (const address of ['10.1.2.3', '127.0.0.1', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['198.51.100.7', '104.16.1.1', '2001:db8::1'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('does not fetch a phishing domain that points at a private address, so no internal page leaks into a report', async () => {
    const probe = await probeSite('twilio-okta.com', ['169.254.169.254'], {
      scheme: 'http',
      timeoutMs: 500,
      allowPrivateAddresses: false,
    });
    expect(probe).toEqual({
      url: 'http://twilio-okta.com/',
      address: '169.254.169.254',
      answered: false,
      error: 'not fetched: 169.254.169.254 is a private address',
    });
  });
});
