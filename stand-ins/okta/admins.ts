/**
 * Who administers the org: the caller's own user (`/api/v1/users/me`) and admin role assignments, in Okta's wire
 * format, so cordon can find the super-admins and its own account that it must never change.
 */
import { notFound } from './errors';
import { json, route, type Route } from './router';
import { userJson } from './serialize';
import { oktaId } from './state';
import { requireUser } from './users';

const PAGE = 100;

export const adminRoutes: Route[] = [
  // Before `/api/v1/users/{userId}`: the router takes the first route that matches.
  route('GET /api/v1/users/me', 'getCurrentUser', 'okta.users.read.self', (context) => {
    // A service app is no user: Okta answers 404 for `me` under client credentials.
    if (context.actor.type !== 'User') throw notFound('me', 'User');
    const user = context.state.findUser(context.actor.alternateId);
    if (!user) throw notFound('me', 'User');
    return json(userJson(user, context.baseUrl));
  }),
  route('GET /api/v1/iam/assignees/users', 'listUsersWithRoleAssignments', 'okta.roles.read', (context) => {
    const ids = [...context.state.adminRoles.keys()].filter((id) => context.state.users.has(id)).sort();
    const after = context.query.get('after');
    const limit = Math.min(Number(context.query.get('limit') ?? PAGE) || PAGE, PAGE);
    const start = after ? ids.findIndex((id) => id > after) : 0;
    const page = start < 0 ? [] : ids.slice(start, start + limit);
    const last = page.at(-1);
    const more = last !== undefined && ids.indexOf(last) < ids.length - 1;
    return json({
      value: page.map((id) => ({ id, orn: `orn:okta:directory:org:users:${id}` })),
      _links: more
        ? { next: { href: `${context.baseUrl}/api/v1/iam/assignees/users?after=${last}&limit=${limit}` } }
        : {},
    });
  }),
  route('GET /api/v1/users/{userId}/roles', 'listAssignedRolesForUser', 'okta.roles.read', (context) => {
    const user = requireUser(context);
    return json(
      (context.state.adminRoles.get(user.id) ?? []).map((type) => ({
        id: oktaId('ra1'),
        label: type
          .toLowerCase()
          .split('_')
          .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
          .join(' '),
        type,
        status: 'ACTIVE',
        created: user.created,
        lastUpdated: user.created,
        assignmentType: 'USER',
        _links: { assignee: { href: `${context.baseUrl}/api/v1/users/${user.id}` } },
      })),
    );
  }),
];
