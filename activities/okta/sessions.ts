/**
 * Session and token actions: what keeps a phished account usable after its password changes. Okta lists a user's
 * grants and refresh tokens (so their revocation is read back) but has no API that lists a user's sessions, so
 * `clear_sessions` says its session revocation is unverified rather than pretending otherwise.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { ActionContext } from '../action';
import { collect, oktaCall } from './call';
import { confirmWrite } from './confirm-write';
import { notVerified, readUser, userTarget, type OktaUser } from './read';
import type { oktaClearSessions, oktaRevokeGrants } from './specs';
import type { Input, Output } from './types';

/** Refresh tokens per app the user has tokens or grants for. */
async function refreshTokensByClient(client: okta.Client, user: OktaUser): Promise<Map<string, number>> {
  const target = userTarget(user);
  const clients = await oktaCall('listUserClients', target, async () =>
    collect(await client.userApi.listUserClients({ userId: user.id })),
  );
  const counts = new Map<string, number>();
  for (const app of clients) {
    const clientId = app.client_id;
    if (!clientId) continue;
    const tokens = await oktaCall('listRefreshTokensForUserAndClient', `${target} and app ${clientId}`, async () =>
      collect(await client.userApi.listRefreshTokensForUserAndClient({ userId: user.id, clientId })),
    );
    counts.set(clientId, tokens.length);
  }
  return counts;
}

function total(counts: Map<string, number>): number {
  return [...counts.values()].reduce((sum, count) => sum + count, 0);
}

async function listGrants(client: okta.Client, user: OktaUser): Promise<okta.OAuth2ScopeConsentGrant[]> {
  return oktaCall('listUserGrants', userTarget(user), async () =>
    collect(await client.userApi.listUserGrants({ userId: user.id })),
  );
}

export async function clearSessions(
  client: okta.Client,
  input: Input<typeof oktaClearSessions>,
  context: ActionContext,
): Promise<Output<typeof oktaClearSessions>> {
  const user = await readUser(client, input.userId);
  const target = userTarget(user);
  const tokensBefore = input.oauthTokens ? total(await refreshTokensByClient(client, user)) : undefined;
  await oktaCall('revokeUserSessions', target, () =>
    client.userApi.revokeUserSessions({
      userId: user.id,
      oauthTokens: input.oauthTokens,
      forgetDevices: input.forgetDevices,
    }),
  );
  const sessionsNote = "Okta offers no API that lists a user's sessions; it accepted the revocation";
  let detail = sessionsNote;
  if (input.oauthTokens) {
    const left = total(await refreshTokensByClient(client, user));
    if (left > 0) throw notVerified('revokeUserSessions', target, 'no refresh tokens', `${left} refresh token(s)`);
    detail = `${sessionsNote}; read back: no refresh tokens remain`;
  }
  context.log.info(`Okta clear_sessions: ${target}`, { oauthTokens: input.oauthTokens });
  return {
    userId: user.id,
    login: user.login,
    changed: tokensBefore ? true : null,
    refreshTokensRevoked: tokensBefore ?? null,
    verification: { readBack: input.oauthTokens, detail },
  };
}

export async function revokeGrants(
  client: okta.Client,
  input: Input<typeof oktaRevokeGrants>,
  context: ActionContext,
): Promise<Output<typeof oktaRevokeGrants>> {
  const user = await readUser(client, input.userId);
  const target = userTarget(user);
  const grants = await listGrants(client, user);
  const tokens = await refreshTokensByClient(client, user);
  if (grants.length > 0) {
    // A lost answer is confirmed by the grant listing below, which the action reads back anyway.
    await confirmWrite(
      () => oktaCall('revokeUserGrants', target, () => client.userApi.revokeUserGrants({ userId: user.id })),
      async () => (await listGrants(client, user)).length === 0,
      context.signal,
    );
  }
  const withTokens = [...tokens].filter(([, count]) => count > 0).map(([clientId]) => clientId);
  for (const clientId of withTokens) {
    await oktaCall('revokeTokensForUserAndClient', `${target} and app ${clientId}`, () =>
      client.userApi.revokeTokensForUserAndClient({ userId: user.id, clientId }),
    );
  }
  const grantsLeft = (await listGrants(client, user)).length;
  if (grantsLeft > 0) throw notVerified('revokeUserGrants', target, 'no grants', `${grantsLeft} grant(s)`);
  const tokensLeft = total(await refreshTokensByClient(client, user));
  if (tokensLeft > 0) {
    throw notVerified('revokeTokensForUserAndClient', target, 'no refresh tokens', `${tokensLeft} refresh token(s)`);
  }
  const clients = [...new Set([...grants.flatMap((grant) => (grant.clientId ? [grant.clientId] : [])), ...withTokens])];
  const changed = grants.length > 0 || withTokens.length > 0;
  if (changed) context.log.info(`Okta revoke_grants: ${target}`, { grants: grants.length, clients });
  return {
    userId: user.id,
    login: user.login,
    grantsRevoked: grants.length,
    refreshTokensRevoked: total(tokens),
    clients,
    changed,
    verification: { readBack: true, detail: 'read back: no grants and no refresh tokens remain' },
  };
}
