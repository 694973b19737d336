/**
 * cordon's HTTP server: `/healthz`, the Slack app's endpoint (when Slack is configured), and any extra routes (the
 * detection hooks). One router serves both cases, so a route behaves the same with or without Slack; Bolt's
 * HTTPReceiver gets only the requests for its own path, where it verifies the signature.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorMessage } from '../activities/error-message';
import { listen } from '../http/listen';
import { withRequestSpan } from '../tracing/http-span';
import { hostPort } from '../http/host-port';

/** An extra route; `:name` segments match one path segment and are put in `req.params`, as Bolt's custom routes do. */
export interface HttpRoute {
  method: 'POST' | 'GET';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** What the server needs of the Slack app: the paths it serves and its request listener. */
export interface SlackEndpoint {
  paths: string[];
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface CordonServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** @default 0.0.0.0 */
  host?: string;
  routes?: readonly HttpRoute[];
  slack?: SlackEndpoint;
  /** @default console.warn */
  warn?: (message: string) => void;
}

export interface CordonServer {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting requests; open ones get five seconds to finish. */
  close(): Promise<void>;
}

export const HEALTH_PATH = '/healthz';

/**
 * Largest Slack request body handed to Bolt. Slack's own requests stay far below it (a message's blocks are at most
 * some 150 KB); without a limit, anyone could make the server read and hash megabytes before the signature check.
 */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute {
  route: HttpRoute;
  segments: string[];
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function match(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, pattern] of route.segments.entries()) {
    const segment = segments[index] ?? '';
    if (pattern.startsWith(':')) {
      try {
        params[pattern.slice(1)] = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    } else if (pattern !== segment) {
      return undefined;
    }
  }
  return params;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export async function startCordonServer(options: CordonServerOptions): Promise<CordonServer> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const slackPaths = new Set(options.slack?.paths ?? []);
  const routes: CompiledRoute[] = (options.routes ?? []).map((route) => ({ route, segments: segmentsOf(route.path) }));
  for (const { route } of routes) {
    if (route.path === HEALTH_PATH || slackPaths.has(route.path)) {
      throw new Error(`route ${route.method} ${route.path} collides with a path cordon serve keeps for itself`);
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === HEALTH_PATH) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
      return sendJson(res, 200, { ok: true, slack: options.slack !== undefined, routes: routes.length });
    }
    if (options.slack && slackPaths.has(path)) {
      if (method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
      // Slack always sends Content-Length; a body without one, or larger than the limit, is refused unread.
      const length = Number(req.headers['content-length']);
      if (req.headers['content-length'] === undefined || !Number.isFinite(length))
        return sendJson(res, 411, { error: 'Content-Length required' }, { connection: 'close' });
      if (length > SLACK_MAX_BODY_BYTES) {
        return sendJson(
          res,
          413,
          { error: `request body is larger than ${SLACK_MAX_BODY_BYTES} bytes` },
          { connection: 'close' },
        );
      }
      const listener = options.slack.listener;
      return withRequestSpan(req, res, path, () => listener(req, res));
    }
    const segments = segmentsOf(path);
    const allowed: string[] = [];
    for (const compiled of routes) {
      const params = match(compiled, segments);
      if (!params) continue;
      if (compiled.route.method !== method) {
        allowed.push(compiled.route.method);
        continue;
      }
      Object.assign(req, { params });
      return withRequestSpan(req, res, compiled.route.path, () => compiled.route.handler(req, res));
    }
    if (allowed.length > 0) return sendJson(res, 405, { error: 'method not allowed' }, { allow: allowed.join(', ') });
    sendJson(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      warn(`cordon serve: ${req.method} ${req.url?.split('?')[0]} failed: ${errorMessage(error)}`);
      sendJson(res, 500, { error: 'internal error' });
    });
  });
  const host = options.host ?? '0.0.0.0';
  const { port } = await listen(server, options.port, host);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${hostPort(shown, port)}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
