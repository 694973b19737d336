/**
 * An HTTP control endpoint for the DNS stand-in run on its own, so a user can play a takedown without code:
 * `curl -X POST 127.0.0.1:PORT/domains/twilio-okta.com -d '{"mode":"nxdomain"}'` flips a name to NXDOMAIN,
 * `{"mode":"answer"}` back; `{"A":["127.0.0.1"]}` sets its records; `GET /domains` lists the zone.
 */
import http from 'node:http';
import { z } from 'zod';
import type { DnsStandIn } from './server';

const change = z.union([
  z.strictObject({ mode: z.enum(['answer', 'nxdomain', 'servfail']) }),
  z.strictObject({
    A: z.array(z.ipv4()).optional(),
    AAAA: z.array(z.ipv6()).optional(),
    NS: z.array(z.string()).optional(),
  }),
]);

export interface DnsControl {
  url: string;
  close(): Promise<void>;
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

export async function startDnsControl(dns: DnsStandIn, port = 0): Promise<DnsControl> {
  const server = http.createServer((request, response) => {
    const name = /^\/domains\/([a-z0-9.-]+)$/i.exec(request.url ?? '')?.[1];
    if (request.method === 'GET' && request.url === '/domains') return reply(response, 200, dns.names());
    if (request.method !== 'POST' || !name) {
      return reply(response, 404, {
        error: 'POST /domains/NAME with {"mode": "nxdomain"} or {"A": ["IP"]}; GET /domains',
      });
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      let parsed: z.ZodSafeParseResult<z.output<typeof change>>;
      try {
        parsed = change.safeParse(JSON.parse(body));
      } catch {
        return reply(response, 400, { error: 'the body is not JSON' });
      }
      if (!parsed.success) return reply(response, 400, { error: parsed.error.issues.map((issue) => issue.message) });
      if ('mode' in parsed.data) dns.setMode(name, parsed.data.mode);
      else dns.set(name, parsed.data);
      reply(response, 200, { name: name.toLowerCase(), ...parsed.data });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
