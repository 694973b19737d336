/** Users: retrieval by id, login or short name, group membership, and the lifecycle operations. */
import { audit, userTarget } from './audit';
import { notFound } from './errors';
import { transition, type LifecycleOperation } from './lifecycle';
import { compileFilter, compileUserFilter } from './filter';
import { json, queryFlag, route, type Route, type RouteContext, type RouteResult } from './router';
import { groupJson, userJson } from './serialize';
import { nowIso, type UserRecord } from './state';

/** The user a path names, or Okta's 404. */
export function requireUser(context: RouteContext, key = 'userId'): UserRecord {
  const idOrLogin = context.params[key] ?? '';
  const user = context.state.findUser(idOrLogin);
  if (!user) throw notFound(idOrLogin, 'User');
  return user;
}

/** Moves a user to the status `operation` leads to (or refuses as Okta does), and audits it. */
export function applyLifecycle(
  context: RouteContext,
  user: UserRecord,
  operation: LifecycleOperation,
  eventType: string,
): void {
  const next = transition(operation, user.status);
  const now = nowIso();
  if (next !== user.status) {
    user.status = next;
    user.statusChanged = now;
    if (next === 'ACTIVE' && !user.activated) user.activated = now;
  }
  user.lastUpdated = now;
  audit(context, { kind: operation, target: user.id }, eventType, [userTarget(user)]);
}

/**
 * `POST /api/v1/users/{userId}/lifecycle/{action}`: moves the user, then runs `after`, whose result is the answer
 * (Okta's empty object when it returns none).
 */
export function lifecycleRoute(
  operation: LifecycleOperation,
  action: string,
  eventType: string,
  after?: (context: RouteContext, user: UserRecord) => RouteResult | void,
): Route {
  return route(`POST /api/v1/users/{userId}/lifecycle/${action}`, operation, 'okta.users.manage', (context) => {
    const user = requireUser(context);
    applyLifecycle(context, user, operation, eventType);
    return after?.(context, user) ?? json({});
  });
}

/** Okta's page size for users: 200 by default and at most (10 by default with `q`). */
const USERS_PAGE = 200;

/**
 * `GET /api/v1/users`: with `filter` (up to date, Okta's narrow syntax) or `search` (any property), every status
 * matches; with `q` (a prefix of the first name, last name or e-mail) or nothing, `DEPROVISIONED` users are left out.
 * Ordered by id, paged by an `after` cursor with a `Link: rel="next"` while more remain.
 */
function listUsers(context: RouteContext): RouteResult {
  const { query } = context;
  const filter = query.get('filter');
  const search = query.get('search');
  const q = query.get('q')?.toLowerCase();
  const matches = filter ? compileUserFilter(filter) : search ? compileFilter(search) : undefined;
  const startsWithQ = (user: ReturnType<typeof userJson>) => {
    const profile = user.profile as Record<string, unknown>;
    return ['firstName', 'lastName', 'email'].some((key) => {
      const value = profile[key];
      return typeof value === 'string' && value.toLowerCase().startsWith(q ?? '');
    });
  };
  const users = [...context.state.users.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((user) => matches !== undefined || user.status !== 'DEPROVISIONED')
    .map((user) => userJson(user, context.baseUrl))
    .filter((user) => (matches ? matches(user) : q === undefined || startsWithQ(user)));
  const after = query.get('after');
  const remaining = after ? users.filter((user) => String(user.id) > after) : users;
  const requested = Number(query.get('limit') ?? (q === undefined ? USERS_PAGE : 10));
  const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, USERS_PAGE) : USERS_PAGE;
  const page = remaining.slice(0, limit);
  const links = [`<${context.baseUrl}/api/v1/users?${query.toString()}>; rel="self"`];
  const last = page.at(-1);
  if (last && remaining.length > page.length && q === undefined) {
    const next = new URLSearchParams(query);
    next.set('after', String(last.id));
    links.push(`<${context.baseUrl}/api/v1/users?${next.toString()}>; rel="next"`);
  }
  return json(page, 200, { link: links });
}

export const userRoutes: Route[] = [
  route('GET /api/v1/users', 'listUsers', 'okta.users.read', listUsers),
  route('GET /api/v1/users/{userId}', 'getUser', 'okta.users.read', (context) =>
    json(userJson(requireUser(context), context.baseUrl)),
  ),
  route('GET /api/v1/users/{userId}/groups', 'listUserGroups', 'okta.users.read', (context) => {
    const user = requireUser(context);
    return json(context.state.groupsOf(user.id).map((group) => groupJson(group, context.baseUrl)));
  }),
  lifecycleRoute('suspendUser', 'suspend', 'user.lifecycle.suspend'),
  lifecycleRoute('unsuspendUser', 'unsuspend', 'user.lifecycle.unsuspend'),
  lifecycleRoute('deactivateUser', 'deactivate', 'user.lifecycle.deactivate', (context, user) => {
    // Deactivation ends every session and token: the account is gone from every app.
    context.state.deleteWhere(context.state.sessions, (session) => session.userId === user.id);
    context.state.deleteWhere(context.state.refreshTokens, (token) => token.userId === user.id);
    // Okta mails the deactivation notice to the admin who asked, not to the user.
    if (queryFlag(context.query, 'sendEmail')) {
      context.state.outbox.push({ to: context.actor.alternateId, kind: 'deactivation_notice', at: nowIso() });
    }
  }),
];
