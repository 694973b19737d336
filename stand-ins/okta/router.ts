/**
 * Routes of the local Okta: each names the Okta operation id it implements (the key for faults, rate limits and the
 * change log) and the OAuth scope Okta requires for it, taken from Okta's OpenAPI description.
 */
import { notFound } from './errors';
import type { OrgState } from './state';

export interface RouteContext {
  state: OrgState;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, or undefined. */
  body: unknown;
  /** `http://127.0.0.1:port`, for `_links` and `Link` headers. */
  baseUrl: string;
  /** The admin or service app making the call, as the System Log names it. */
  actor: { id: string; type: 'User' | 'PublicClientApp'; alternateId: string };
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

export interface Route {
  method: (typeof METHODS)[number];
  /** A path template as in Okta's OpenAPI description, e.g. `/api/v1/users/{userId}`. */
  path: string;
  operation: string;
  /** The OAuth scope a bearer token needs; SSWS tokens carry their own scope list. */
  scope: string;
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

/**
 * A route in one line that reads like Okta's API reference:
 * `route('GET /api/v1/users/{userId}', 'getUser', 'okta.users.read', handle)`.
 */
export function route(
  endpoint: `${Route['method']} /${string}`,
  operation: string,
  scope: string,
  handle: Route['handle'],
): Route {
  const method = METHODS.find((candidate) => endpoint.startsWith(`${candidate} `));
  if (!method) throw new Error(`route "${endpoint}" does not start with an HTTP method`);
  return { method, path: endpoint.slice(method.length + 1), operation, scope, handle };
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

function matchTemplate(template: string, pathname: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = pathname.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of expected.entries()) {
    const segment = actual[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (segment === '') return undefined;
      params[name] = decodeURIComponent(segment);
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

export class Router {
  private readonly routes: Route[] = [];

  add(...routes: Route[]): this {
    this.routes.push(...routes);
    return this;
  }

  /** The route for a request; `pathExists` tells a wrong method (405) from an unknown path (404). */
  match(method: string, pathname: string): { match?: RouteMatch; pathExists: boolean } {
    let pathExists = false;
    for (const route of this.routes) {
      const params = matchTemplate(route.path, pathname);
      if (!params) continue;
      pathExists = true;
      if (route.method === method) return { match: { route, params }, pathExists };
    }
    return { pathExists };
  }

  operations(): string[] {
    return this.routes.map((route) => route.operation);
  }
}

/** A success with a JSON body. */
export function json(body: unknown, status = 200, headers?: Record<string, string | string[]>): RouteResult {
  return { status, body, headers };
}

/** A success without a body (Okta's 204s). */
export function noContent(): RouteResult {
  return { status: 204 };
}

/** Reads a boolean query parameter the way Okta does: only `true` is true. */
export function queryFlag(query: URLSearchParams, name: string, fallback = false): boolean {
  const value = query.get(name);
  return value === null ? fallback : value === 'true';
}

/** The record a path parameter names, or Okta's 404 naming the value and the resource type. */
export function requireRecord<T>(
  context: RouteContext,
  param: string,
  records: ReadonlyMap<string, T>,
  resourceType: string,
): T {
  const id = context.params[param] ?? '';
  const record = records.get(id);
  if (!record) throw notFound(id, resourceType);
  return record;
}
