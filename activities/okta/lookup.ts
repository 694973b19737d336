/** `okta.get_user`: the user a playbook's later steps act on, with what an approver wants to see. */
import type okta from '@okta/okta-sdk-nodejs';
import { collect, oktaCall } from './call';
import { isOktaUserId, readUser, userTarget } from './read';
import type { oktaGetUser } from './specs';
import { isoOrNull, type Input, type Output } from './types';

export async function getUser(
  client: okta.Client,
  input: Input<typeof oktaGetUser>,
): Promise<Output<typeof oktaGetUser>> {
  // The schema requires one of the two.
  const ref = input.login ?? input.userId ?? '';
  const listGroups = (userId: string, login: string | null) =>
    oktaCall('listUserGroups', userTarget({ id: userId, login }), async () =>
      collect(await client.userApi.listUserGroups({ userId })),
    );
  // Given an id, the user and their groups are read at once; a login is resolved to an id first.
  const [user, groups] = isOktaUserId(ref)
    ? await Promise.all([readUser(client, ref), listGroups(ref, null)])
    : await readUser(client, ref).then(async (found) => [found, await listGroups(found.id, found.login)] as const);
  const profile = user.raw.profile;
  const name = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ');
  return {
    id: user.id,
    login: user.login,
    email: profile?.email ?? null,
    displayName: profile?.displayName ?? (name || user.login),
    status: user.status,
    lastLogin: isoOrNull(user.raw.lastLogin),
    passwordChanged: isoOrNull(user.raw.passwordChanged),
    groups: groups.flatMap((group) => (group.id ? [{ id: group.id, name: group.profile?.name ?? group.id }] : [])),
  };
}
