/**
 * The local Okta: a stateful stand-in of the Okta management API on 127.0.0.1, for the tests and the demo. Requests
 * pass, in order: routing, injected faults, authentication, the rate limit, then the route. Every answer has the
 * `Date` and `X-Rate-Limit-*` headers the SDK's retry logic reads.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen as listenOn } from '../../http/listen';
import { hostPort } from '../../http/host-port';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRoutes } from './admins';
import { Credentials } from './auth';
import { credentialRoutes } from './credentials';
import { errorBody, internalError, malformedBody, methodNotAllowed, notFound, OktaHttpError } from './errors';
import { Faults, type Fault } from './faults';
import { groupRoutes } from './groups';
import { logRoutes } from './logs';
import { TokenEndpoint } from './oauth';
import { rateLimitHeaders, RateLimiter } from './rate-limits';
import { Router, type RouteContext, type RouteResult } from './router';
import { sessionRoutes } from './sessions';
import { OrgState } from './state';
import { userRoutes } from './users';
import { zoneRoutes } from './zones';

export interface RequestRecord {
  method: string;
  path: string;
  /** The Okta operation id, or `token` for `/oauth2/v1/token`. */
  operation: string;
  status: number;
  at: string;
}

export interface OktaServerParts {
  state: OrgState;
  faults: Faults;
  rateLimits: RateLimiter;
  credentials: Credentials;
  oauth: TokenEndpoint;
  requests: RequestRecord[];
}

const TOKEN_PATH = '/oauth2/v1/token';

export const router = new Router().add(
  ...adminRoutes,
  ...userRoutes,
  ...credentialRoutes,
  ...sessionRoutes,
  ...groupRoutes,
  ...zoneRoutes,
  ...logRoutes,
);

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, result: RouteResult, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string | string[]> = { ...extraHeaders, ...result.headers };
  if (result.body !== undefined) headers['content-type'] = 'application/json;charset=UTF-8';
  response.writeHead(result.status, headers);
  response.end(result.body === undefined ? undefined : JSON.stringify(result.body));
}

/** Answers an armed fault; returns true when the request is answered (or dropped) and must go no further. */
async function applyFault(fault: Fault, method: string, response: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.ms);
      return false;
    case 'disconnect':
      response.socket?.destroy();
      return true;
    case 'ignore':
      send(response, method === 'DELETE' ? { status: 204 } : { status: 200, body: {} });
      return true;
    case 'rateLimit': {
      const headers = rateLimitHeaders(600, 0, Date.now() + fault.resetInMs);
      if (fault.omitReset) delete headers['x-rate-limit-reset'];
      send(
        response,
        { status: 429, body: errorBody('E0000047', 'API call exceeded rate limit due to too many requests.') },
        headers,
      );
      return true;
    }
    case 'status':
      if (fault.html) {
        response.writeHead(fault.status, { 'content-type': 'text/html' });
        response.end('<html><body><h1>Service Unavailable</h1></body></html>');
      } else {
        send(response, { status: fault.status, body: internalError(fault.status).body });
      }
      return true;
  }
}

async function handle(
  parts: OktaServerParts,
  baseUrl: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const url = new URL(request.url ?? '/', baseUrl);
  const method = request.method ?? 'GET';
  const raw = await readBody(request);
  const isToken = url.pathname === TOKEN_PATH;
  const { match, pathExists } = isToken ? { match: undefined, pathExists: true } : router.match(method, url.pathname);
  const operation = isToken ? 'token' : (match?.route.operation ?? 'unknown');
  try {
    if (isToken && method !== 'POST') throw methodNotAllowed();
    if (!isToken && !match) throw pathExists ? methodNotAllowed() : notFound(url.pathname, 'Resource');
    const fault = parts.faults.take(operation);
    if (fault && (await applyFault(fault, method, response))) return response.statusCode;
    if (isToken) {
      send(response, { status: 200, body: parts.oauth.token(new URLSearchParams(raw), `${baseUrl}${TOKEN_PATH}`) });
      return 200;
    }
    if (!match) throw notFound(url.pathname, 'Resource');
    const actor = parts.credentials.authorize(request.headers.authorization, match.route);
    const rate = parts.rateLimits.take(operation);
    if (!rate.allowed) {
      send(
        response,
        { status: 429, body: errorBody('E0000047', 'API call exceeded rate limit due to too many requests.') },
        rate.headers,
      );
      return 429;
    }
    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        throw malformedBody();
      }
    }
    const context: RouteContext = {
      state: parts.state,
      params: match.params,
      query: url.searchParams,
      body,
      baseUrl,
      actor,
    };
    const result = await match.route.handle(context);
    send(response, result, rate.headers);
    return result.status;
  } catch (error) {
    if (error instanceof OktaHttpError) {
      // Okta sends its rate-limit headers with errors too, except when it cannot tell who is calling.
      const rateHeaders = error.status === 401 || operation === 'unknown' ? {} : parts.rateLimits.peek(operation);
      send(response, { status: error.status, body: error.body }, { ...rateHeaders, ...error.headers });
      return error.status;
    }
    // A bug in the stand-in: answer as Okta would, and say what broke.
    console.error('okta stand-in:', error);
    send(response, { status: 500, body: internalError().body });
    return 500;
  }
}

/** Starts the HTTP server over the given parts; resolves with its base URL once it listens. */
export async function listen(
  parts: OktaServerParts,
  host: string,
  port: number,
): Promise<{ server: Server; url: string }> {
  let baseUrl = '';
  const server = createServer((request, response) => {
    const started = new Date().toISOString();
    handle(parts, baseUrl, request, response)
      .then((status) => {
        parts.requests.push({
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          operation: operationOf(request),
          status,
          at: started,
        });
      })
      .catch((error: unknown) => console.error('okta stand-in:', error));
  });
  server.keepAliveTimeout = 1_000;
  const address = await listenOn(server, port, host);
  baseUrl = `http://${hostPort(host, address.port)}`;
  return { server, url: baseUrl };
}

function operationOf(request: IncomingMessage): string {
  const pathname = new URL(request.url ?? '/', 'http://x').pathname;
  if (pathname === TOKEN_PATH) return 'token';
  return router.match(request.method ?? 'GET', pathname).match?.route.operation ?? 'unknown';
}

export function createParts(baseUrl: () => string): OktaServerParts {
  const state = new OrgState(() => `${baseUrl()}/oauth2/default`);
  const credentials = new Credentials();
  return {
    state,
    faults: new Faults(),
    rateLimits: new RateLimiter(),
    credentials,
    oauth: new TokenEndpoint(credentials),
    requests: [],
  };
}
