/**
 * A case's local takedown world: DNS, RDAP, SMTP, the phishing site, Netcraft and Cloudflare on 127.0.0.1, seeded as
 * the case says, with the real takedown handlers pointed at them; and what the stand-ins received, read back in the
 * terms a test is written in (who was mailed what, which URLs were reported).
 */
import type { HandlerMap } from '../activities';
import { asHandlerMap } from '../activities/builtin-handlers';
import { createTakedownHandlers } from '../activities/takedown/handlers';
import { EXAMPLE_REGISTRAR } from '../stand-ins/rdap/oktapus';
import { startTakedownStandIns } from '../stand-ins/takedown';
import type { TestCase } from './schema';
import { SEEDED_DOMAINS } from './takedown-seeds';

/** What the takedown stand-ins received, in the shape of a case's `expect.takedown`. */
export interface TakedownReceived {
  mail: Array<{ to: string; subject: string }>;
  netcraft: string[];
  cloudflare: string[];
}

export interface CaseTakedown {
  handlers: HandlerMap;
  received(): TakedownReceived;
  close(): Promise<void>;
}

type Setup = NonNullable<TestCase['takedown']>;

/**
 * The domain a reported URL names: the URL itself carries the local site's scheme and port (`http://x.com:41234/`),
 * which a test cannot know in advance.
 */
function hostOf(url: unknown): string {
  if (typeof url !== 'string') return `(not a URL: ${JSON.stringify(url)})`;
  try {
    return new URL(url).hostname;
  } catch {
    return `(not a URL: ${url})`;
  }
}

export async function startCaseTakedown(setup: Setup): Promise<CaseTakedown> {
  const world = await startTakedownStandIns();
  try {
    for (const name of SEEDED_DOMAINS[setup.seed]) world.addPhishingDomain(name);
    for (const domain of setup.domains) {
      if (typeof domain === 'string') {
        world.addPhishingDomain(domain);
        continue;
      }
      const { abuseEmail } = domain;
      const registrar =
        abuseEmail === undefined
          ? EXAMPLE_REGISTRAR
          : { name: EXAMPLE_REGISTRAR.name, ianaId: EXAMPLE_REGISTRAR.ianaId, ...(abuseEmail ? { abuseEmail } : {}) };
      world.addPhishingDomain(domain.name, { registrar });
      if (domain.dns !== 'answer') world.dns.setMode(domain.name, domain.dns);
    }
  } catch (error) {
    await world.close();
    throw error;
  }
  return {
    handlers: asHandlerMap(createTakedownHandlers({ config: world.config })),
    received: () => ({
      mail: world.smtp.messages.flatMap((mail) => mail.envelope.to.map((to) => ({ to, subject: mail.subject }))),
      netcraft: world.netcraft.reports.map((report) => hostOf(report.fields.attack)),
      cloudflare: world.cloudflare.reports.flatMap((report) => {
        const urls = report.body.urls;
        return Array.isArray(urls) ? urls.map(hostOf) : [hostOf(urls)];
      }),
    }),
    close: () => world.close(),
  };
}
