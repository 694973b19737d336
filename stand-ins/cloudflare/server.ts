/**
 * A local stand-in of Cloudflare's abuse reports API: `POST /accounts/{account_id}/abuse-reports/{type}` with a bearer
 * token and a JSON body, answering in the v4 envelope. It checks what Cloudflare requires of a phishing report.
 */
import http from 'node:http';
import { closeServer, listenLocally } from '../local-http';

export interface CloudflareReportReceived {
  accountId: string;
  reportType: string;
  body: Record<string, unknown>;
  id: string;
}

export interface CloudflareStandIn {
  /** Base URL, as `CLOUDFLARE_API_URL` takes it (the real one is https://api.cloudflare.com/client/v4/). */
  url: string;
  token: string;
  accountId: string;
  reports: CloudflareReportReceived[];
  close(): Promise<void>;
}

const REQUIRED_FOR_PHISHING = [
  'act',
  'email',
  'email2',
  'name',
  'urls',
  'justification',
  'host_notification',
  'owner_notification',
];

export async function startCloudflareStandIn(
  options: { token?: string; accountId?: string; port?: number } = {},
): Promise<CloudflareStandIn> {
  const token = options.token ?? 'cloudflare-test-token';
  const accountId = options.accountId ?? '023e105f4ecef8ad9ca31a8372d0c353';
  const reports: CloudflareReportReceived[] = [];
  let nextId = 1;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (
        status: number,
        errors: { code: number; message: string }[],
        extra: Record<string, unknown> = {},
      ) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ success: errors.length === 0, errors, messages: [], ...extra }));
      };
      const route = /^\/client\/v4\/accounts\/([^/]+)\/abuse-reports\/([a-z_]+)$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !route) return reply(404, [{ code: 7003, message: 'No route for that URI' }]);
      if (request.headers.authorization !== `Bearer ${token}`)
        return reply(403, [{ code: 10000, message: 'Authentication error' }]);
      if (route[1] !== accountId)
        return reply(403, [{ code: 9109, message: 'Unauthorized to access requested resource' }]);
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (typeof parsed !== 'object' || parsed === null) {
        return reply(400, [{ code: 6007, message: 'Malformed JSON in request body' }]);
      }
      const body: Record<string, unknown> = Object.fromEntries(Object.entries(parsed));
      const missing = REQUIRED_FOR_PHISHING.filter((field) => body[field] === undefined || body[field] === '');
      if (route[2] === 'abuse_phishing' && missing.length > 0) {
        return reply(400, [{ code: 1002, message: `missing fields: ${missing.join(', ')}` }]);
      }
      if (body.email !== body.email2) return reply(400, [{ code: 1002, message: 'email2 must match email' }]);
      const id = `abuse-${String(nextId++).padStart(6, '0')}`;
      reports.push({ accountId: route[1], reportType: route[2] ?? '', body, id });
      return reply(200, [], { result: 'success', abuse_rand: id });
    });
  });

  const port = await listenLocally(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/client/v4/`,
    token,
    accountId,
    reports,
    close: () => closeServer(server),
  };
}
