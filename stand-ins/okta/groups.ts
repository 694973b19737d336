/** Groups and membership: look a group up by id or name, add and remove a user (e.g. to a quarantine group). */
import { audit, userTarget } from './audit';
import { validationFailed } from './errors';
import { optionalFilter } from './filter';
import { json, noContent, requireRecord, route, type Route, type RouteContext } from './router';
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
  route('GET /api/v1/groups', 'listGroups', 'okta.groups.read', (context) => {
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
  }),
  route('GET /api/v1/groups/{groupId}', 'getGroup', 'okta.groups.read', (context) =>
    json(groupJson(requireGroup(context), context.baseUrl)),
  ),
  route('GET /api/v1/groups/{groupId}/users', 'listGroupUsers', 'okta.groups.read', (context) => {
    const group = requireGroup(context);
    const members = [...group.members].flatMap((id) => context.state.users.get(id) ?? []);
    return json(members.map((user) => userJson(user, context.baseUrl)));
  }),
  route('PUT /api/v1/groups/{groupId}/users/{userId}', 'assignUserToGroup', 'okta.groups.manage', (context) =>
    membershipChange(context, true),
  ),
  route('DELETE /api/v1/groups/{groupId}/users/{userId}', 'unassignUserFromGroup', 'okta.groups.manage', (context) =>
    membershipChange(context, false),
  ),
];
