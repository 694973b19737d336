/** `okta.get_user`: the user a playbook's later steps act on, with what an approver wants to see. */
import type okta from '@okta/okta-sdk-nodejs';
import { collect, oktaCall } from './call';
import { readUser } from './read';
import type { oktaGetUser } from './specs';
import { isoOrNull, type Input, type Output } from './types';

export async function getUser(
  client: okta.Client,
  input: Input<typeof oktaGetUser>,
): Promise<Output<typeof oktaGetUser>> {
  // The schema requires one of the two.
  const ref = input.login ?? input.userId ?? '';
  // Okta takes a login or short name wherever it takes a user id here, so the user and their groups are read at once.
  const [userRead, groupsRead] = await Promise.allSettled([
    readUser(client, ref),
    oktaCall('listUserGroups', `user ${ref}`, async () =>
      collect(await client.userApi.listUserGroups({ userId: ref })),
    ),
  ]);
  // The user's own failure first (an unknown login is NotFound from getUser), whichever answer came first.
  if (userRead.status === 'rejected') throw userRead.reason;
  if (groupsRead.status === 'rejected') throw groupsRead.reason;
  const user = userRead.value;
  const groups = groupsRead.value;
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
