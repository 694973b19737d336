/**
 * A small node:http server over the hook routes alone, for the tests and the benchmarks. `cordon serve` serves the same
 * routes through slack/server.ts, with Slack or without. Paths match segment by segment; `:name` matches any one
 * segment.
 */
import { createServer, type Server } from 'node:http';
import { closeNow } from '../http/close-now';
import { listen } from '../http/listen';
import { pathOf, sendJson } from './http';
import type { HookRoute } from './routes';
import { hostPort } from '../http/host-port';

export interface HookServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
}

export interface HookServer {
  server: Server;
  /** The base URL, e.g. http://127.0.0.1:38123 */
  url: string;
  port: number;
  close(): Promise<void>;
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Whether a route's path pattern matches a request path. */
export function pathMatches(pattern: string, path: string): boolean {
  const want = segments(pattern);
  const got = segments(path);
  return want.length === got.length && want.every((part, index) => part.startsWith(':') || part === got[index]);
}

export async function startHookServer(
  routes: readonly HookRoute[],
  options: HookServerOptions = {},
): Promise<HookServer> {
  const server = createServer((req, res) => {
    const path = pathOf(req);
    const candidates = routes.filter((route) => pathMatches(route.path, path));
    if (candidates.length === 0) {
      sendJson(res, 404, { error: `no route for ${path}` });
      return;
    }
    const route = candidates.find((candidate) => candidate.method === req.method);
    if (!route) {
      const allow = [...new Set(candidates.map((candidate) => candidate.method))].join(', ');
      sendJson(res, 405, { error: `${req.method ?? '?'} is not allowed on ${path}` }, { allow });
      return;
    }
    void route.handler(req, res);
  });
  const { port, address } = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    server,
    url: `http://${hostPort(address, port)}`,
    port,
    close: () => closeNow(server),
  };
}
