/**
 * A local stand-in of Netcraft's Takedown API v1 report endpoint: `POST /api/v1/report/` with a bearer token and form
 * fields, answering `TD_OK\n<id>` for a new attack and `TD_EXISTS\n<id>` for one it already has, as Netcraft does.
 */
import http from 'node:http';
import { closeServer, listenLocally } from '../local-http';

export interface NetcraftReportReceived {
  fields: Record<string, string>;
  authorization: string;
  takedownId: string;
}

export interface NetcraftStandIn {
  url: string;
  token: string;
  reports: NetcraftReportReceived[];
  close(): Promise<void>;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startNetcraftStandIn(options: { token?: string; port?: number } = {}): Promise<NetcraftStandIn> {
  const token = options.token ?? 'netcraft-test-token';
  const reports: NetcraftReportReceived[] = [];
  const byAttack = new Map<string, string>();
  let nextId = 30_480_489;

  const server = http.createServer((request, response) => {
    void (async () => {
      const text = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(body);
      };
      if (request.method !== 'POST' || request.url !== '/api/v1/report/') return text(404, 'Not Found');
      if (request.headers.authorization !== `Bearer ${token}`) return text(401, 'Invalid API key');
      const fields = Object.fromEntries(new URLSearchParams(await readBody(request)));
      if (!fields.attack || !fields.comment) return text(400, 'TD_ERROR\nattack and comment are required');
      const known = byAttack.get(fields.attack);
      if (known) return text(200, `TD_EXISTS\n${known}`);
      const takedownId = String(nextId++);
      byAttack.set(fields.attack, takedownId);
      reports.push({ fields, authorization: request.headers.authorization, takedownId });
      return text(200, `TD_OK\n${takedownId}`);
    })();
  });

  const port = await listenLocally(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    reports,
    close: () => closeServer(server),
  };
}
