/** `okta.get_user`: the user a playbook's later steps act on, with what an approver wants to see. */
import type okta from '@okta/okta-sdk-nodejs';
import { collect, oktaCall } from './call';
import { readUserAnd, type OktaUser } from './read';
import type { oktaGetUser } from './lookup-specs';
import { isoOrNull, type Input, type Output } from './types';

export async function getUser(
  client: okta.Client,
  input: Input<typeof oktaGetUser>,
): Promise<Output<typeof oktaGetUser>> {
  // The schema requires one of the two.
  const ref = input.login ?? input.userId ?? '';
  const listGroups = (userId: string, target: string) =>
    oktaCall('listUserGroups', target, async () => collect(await client.userApi.listUserGroups({ userId })));
  const [user, groups] = await readUserAnd(client, ref, listGroups);
  return userFacts(user, groups);
}

/** What `okta.get_user` (and `okta.snapshot`) tell about a user read with its groups. */
export function userFacts(user: OktaUser, groups: okta.Group[]): Output<typeof oktaGetUser> {
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
