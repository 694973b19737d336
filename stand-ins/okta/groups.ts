/** Groups and membership: look a group up by id or name, add and remove a user (e.g. to a quarantine group). */
import { audit, userTarget } from './audit';
import { validationFailed } from './errors';
import { optionalFilter } from './filter';
import { json, noContent, requireRecord, type Route, type RouteContext } from './router';
import { groupJson, userJson } from './serialize';
import { nowIso, type GroupRecord } from './state';
import { requireUser } from './users';

function requireGroup(context: RouteContext): GroupRecord {
  return requireRecord(context, 'groupId', context.state.groups, 'UserGroup');
}

function membershipChange(context: RouteContext, add: boolean) {
  const group = requireGroup(context);
  const user = requireUser(context);
  // Okta manages the membership of built-in groups (Everyone) itself.
  if (group.type !== 'OKTA_GROUP') {
    throw validationFailed(add ? 'assignUserToGroup' : 'unassignUserFromGroup', [
      `Cannot modify the membership of the ${group.type} group ${group.name}`,
    ]);
  }
  if (add) group.members.add(user.id);
  else group.members.delete(user.id);
  group.lastMembershipUpdated = nowIso();
  audit(
    context,
    { kind: add ? 'assignUserToGroup' : 'unassignUserFromGroup', target: `${group.id}/${user.id}` },
    add ? 'group.user_membership.add' : 'group.user_membership.remove',
    [userTarget(user), { id: group.id, type: 'UserGroup', alternateId: group.name, displayName: group.name }],
  );
  return noContent();
}

export const groupRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/groups',
    operation: 'listGroups',
    scope: 'okta.groups.read',
    handle: (context) => {
      const q = context.query.get('q')?.toLowerCase();
      const matches = optionalFilter(context.query.get('search') ?? context.query.get('filter'));
      const limit = Number(context.query.get('limit') ?? 10_000);
      const groups = [...context.state.groups.values()]
        .map((group) => groupJson(group, context.baseUrl))
        .filter(
          (group) =>
            !q ||
            String((group.profile as { name: string }).name)
              .toLowerCase()
              .startsWith(q),
        )
        .filter(matches)
        .slice(0, limit);
      return json(groups);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/groups/{groupId}',
    operation: 'getGroup',
    scope: 'okta.groups.read',
    handle: (context) => json(groupJson(requireGroup(context), context.baseUrl)),
  },
  {
    method: 'GET',
    path: '/api/v1/groups/{groupId}/users',
    operation: 'listGroupUsers',
    scope: 'okta.groups.read',
    handle: (context) => {
      const group = requireGroup(context);
      const members = [...group.members].flatMap((id) => context.state.users.get(id) ?? []);
      return json(members.map((user) => userJson(user, context.baseUrl)));
    },
  },
  {
    method: 'PUT',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    operation: 'assignUserToGroup',
    scope: 'okta.groups.manage',
    handle: (context) => membershipChange(context, true),
  },
  {
    method: 'DELETE',
    path: '/api/v1/groups/{groupId}/users/{userId}',
    operation: 'unassignUserFromGroup',
    scope: 'okta.groups.manage',
    handle: (context) => membershipChange(context, false),
  },
];
