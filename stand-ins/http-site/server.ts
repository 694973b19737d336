/**
 * A local web server on 127.0.0.1 playing the phishing sites: it answers for any Host with that site's page (a fake
 * sign-in by default), so takedown evidence and checks have a status and a title to see. A test can change a site's
 * status (a host removing the content answers 404) or its page.
 */
import http from 'node:http';
import { closeServer, listenLocally } from '../local-http';

export interface SitePage {
  status: number;
  title: string;
  /** Extra HTML inside <body>. */
  body?: string;
  location?: string;
}

export interface HttpSiteStandIn {
  port: number;
  url: string;
  /** Sets the page served for a host name (without port). */
  setPage(host: string, page: Partial<SitePage>): void;
  /** Requests seen: `HOST PATH`, oldest first. */
  requests: string[];
  close(): Promise<void>;
}

const DEFAULT_PAGE: SitePage = { status: 200, title: 'Okta Sign In' };

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);
}

export async function startHttpSiteStandIn(options: { port?: number } = {}): Promise<HttpSiteStandIn> {
  const pages = new Map<string, SitePage>();
  const requests: string[] = [];

  const server = http.createServer((request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    requests.push(`${host} ${request.url ?? '/'}`);
    const page = pages.get(host) ?? DEFAULT_PAGE;
    const html = `<!doctype html><html><head><title>${escape(page.title)}</title></head><body>${
      page.body ?? '<form method="post"><input name="username"><input name="password" type="password"></form>'
    }</body></html>`;
    response.writeHead(page.status, {
      'content-type': 'text/html; charset=utf-8',
      ...(page.location ? { location: page.location } : {}),
    });
    response.end(html);
  });

  const port = await listenLocally(server, options.port);

  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    setPage: (host, page) =>
      pages.set(host.toLowerCase(), { ...(pages.get(host.toLowerCase()) ?? DEFAULT_PAGE), ...page }),
    requests,
    close: () => closeServer(server),
  };
}
