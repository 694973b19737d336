/** Small HTTP helpers shared by the hook routes: JSON answers and the request's path. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers with a JSON body; a response already sent (a client that went away) is left alone. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** The path of a request without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** One header's value; a repeated header (an array) counts as absent, since it is ambiguous. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** The peer address, for log lines about refused requests. */
export function remoteOf(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress;
}
