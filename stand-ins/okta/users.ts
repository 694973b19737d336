/** Users: retrieval by id, login or short name, group membership, and the lifecycle operations. */
import { audit, userTarget } from './audit';
import { notFound } from './errors';
import { transition, type LifecycleOperation } from './lifecycle';
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

export const userRoutes: Route[] = [
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
