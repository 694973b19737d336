/**
 * Group membership actions (e.g. a quarantine group whose sign-on policy denies every app). Membership is read before
 * and after the write, so a user already in (or out of) the group gives `changed: false` and the effect is verified.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { ActionContext } from '../action';
import { count, listed, mapLimit, type Effect } from '../effect';
import { ActionError, FAILURE_TYPES } from '../errors';
import { collect, oktaCall } from './call';
import { accountChange, DESCRIBE_CONCURRENCY, readUsers } from './effect-reads';
import { notVerified, readUser, userTarget, type OktaUser } from './read';
import type { oktaAddToGroup, oktaRemoveFromGroup } from './groups-specs';
import type { Input, OktaHandler, Output } from './types';

const GROUP_ID = /^00g[0-9A-Za-z]{17}$/;

interface ResolvedGroup {
  id: string;
  name: string;
}

function named(group: okta.Group): ResolvedGroup | undefined {
  return group.id ? { id: group.id, name: group.profile?.name ?? group.id } : undefined;
}

/** A group by id, or by exact name (Okta's `q` is a prefix search, so the name is then matched exactly). */
export async function resolveGroup(client: okta.Client, ref: string): Promise<ResolvedGroup> {
  if (GROUP_ID.test(ref)) {
    const group = named(await oktaCall('getGroup', `group ${ref}`, () => client.groupApi.getGroup({ groupId: ref })));
    if (group) return group;
  }
  const candidates = await oktaCall('listGroups', `group named ${ref}`, async () =>
    collect(await client.groupApi.listGroups({ q: ref, limit: 200 }), 1000),
  );
  const exact = candidates.flatMap((group) => (group.profile?.name === ref ? [group] : []));
  const matches =
    exact.length > 0 ? exact : candidates.filter((group) => group.profile?.name?.toLowerCase() === ref.toLowerCase());
  const [first, ...others] = matches.flatMap((group) => named(group) ?? []);
  if (!first)
    throw new ActionError(FAILURE_TYPES.notFound, `Okta has no group named ${ref}`, { details: { group: ref } });
  if (others.length > 0) {
    throw new ActionError(
      FAILURE_TYPES.invalidInput,
      `Okta has ${others.length + 1} groups named ${ref}: give the group id`,
    );
  }
  return first;
}

async function isMember(client: okta.Client, user: OktaUser, groupId: string): Promise<boolean> {
  const groups = await oktaCall('listUserGroups', userTarget(user), async () =>
    collect(await client.userApi.listUserGroups({ userId: user.id })),
  );
  return groups.some((group) => group.id === groupId);
}

async function changeMembership(
  client: okta.Client,
  input: { userId: string; group: string; ifMember?: boolean | undefined },
  add: boolean,
  context: ActionContext,
): Promise<Output<typeof oktaAddToGroup>> {
  const user = await readUser(client, input.userId);
  const group = await resolveGroup(client, input.group);
  const base = { userId: user.id, login: user.login, groupId: group.id, groupName: group.name };
  const wanted = add ? 'a member' : 'not a member';
  if ((await isMember(client, user, group.id)) === add) {
    // An undo finds the membership no longer as the step being undone left it: someone changed it since.
    const changedSince = input.ifMember !== undefined && input.ifMember !== add;
    const leftAlone = changedSince
      ? `${userTarget(user)} is ${wanted} of group ${group.name} again, not as the step being undone left it: changed since, left alone`
      : undefined;
    return {
      ...base,
      changed: false,
      verification: { readBack: true, detail: `read: the user was already ${wanted}` },
      ...(leftAlone ? { leftAlone } : {}),
    };
  }
  const operation = add ? 'assignUserToGroup' : 'unassignUserFromGroup';
  const target = `${userTarget(user)} and group ${group.id} (${group.name})`;
  await oktaCall(operation, target, () =>
    add
      ? client.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id })
      : client.groupApi.unassignUserFromGroup({ groupId: group.id, userId: user.id }),
  );
  if ((await isMember(client, user, group.id)) !== add) {
    throw notVerified(operation, target, wanted, add ? 'not a member' : 'still a member');
  }
  context.log.info(`Okta ${operation}: ${target}`);
  return { ...base, changed: true, verification: { readBack: true, detail: `read back: the user is ${wanted}` } };
}

/** What an undo reports when the step it reverses changed nothing: no request is sent. */
function skippedMembership(input: { userId: string; group: string }) {
  return {
    userId: input.userId,
    login: input.userId,
    groupId: input.group,
    groupName: input.group,
    changed: false,
    verification: { readBack: false, detail: 'skipped: onlyIf was false (the step being undone changed nothing)' },
  };
}

export const addToGroup: OktaHandler<typeof oktaAddToGroup> = async (client, input, context) => {
  if (input.onlyIf === false) return skippedMembership(input);
  return changeMembership(client, input, true, context);
};

export const removeFromGroup: OktaHandler<typeof oktaRemoveFromGroup> = async (client, input, context) => {
  if (!input.onlyIf) return skippedMembership(input);
  return changeMembership(client, input, false, context);
};

async function describeMembership(
  client: okta.Client,
  inputs: Array<{ userId: string; group: string }>,
  add: boolean,
): Promise<Effect> {
  const groups = new Map<string, ResolvedGroup>();
  for (const ref of new Set(inputs.map((input) => input.group))) groups.set(ref, await resolveGroup(client, ref));
  const refs = [...new Set(inputs.map((input) => input.userId))];
  const read = await readUsers(client, refs);
  const userOf = new Map(refs.map((ref, index) => [ref, read[index]]));
  const pairs = await mapLimit(inputs, DESCRIBE_CONCURRENCY, async (input) => {
    const user = userOf.get(input.userId);
    const group = groups.get(input.group);
    if (!user || !group)
      throw new ActionError(FAILURE_TYPES.unavailable, `no read of ${input.userId} and ${input.group}`);
    return { user, group, member: await isMember(client, user, group.id) };
  });
  const changing = pairs.filter((pair) => pair.member !== add);
  const unchanged = pairs.filter((pair) => pair.member === add);
  const groupNames = [...new Set(pairs.map((pair) => pair.group.name))].join(', ');
  const verb = add ? `add to group ${groupNames}` : `remove from group ${groupNames}`;
  const summary = [
    changing.length > 0
      ? `${verb}: ${count(changing.length, 'account')}: ${listed(changing.map((pair) => pair.user.login))}`
      : `${verb}: nobody`,
    unchanged.length > 0
      ? `already ${add ? 'a member' : 'not a member'}: ${listed(unchanged.map((pair) => pair.user.login))}`
      : '',
  ];
  return {
    summary: summary.filter(Boolean).join('; '),
    changes: changing.map((pair) =>
      accountChange(add ? 'assignUserToGroup' : 'unassignUserFromGroup', pair.user, `${pair.group.id}/${pair.user.id}`),
    ),
  };
}

export function describeAddToGroup(client: okta.Client, inputs: Array<Input<typeof oktaAddToGroup>>) {
  return describeMembership(
    client,
    inputs.filter((input) => input.onlyIf),
    true,
  );
}

export function describeRemoveFromGroup(client: okta.Client, inputs: Array<Input<typeof oktaRemoveFromGroup>>) {
  return describeMembership(
    client,
    inputs.filter((input) => input.onlyIf),
    false,
  );
}
