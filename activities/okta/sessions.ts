/**
 * Session and token actions: what keeps a phished account usable after its password changes.
 *
 * Requests are the scarce resource in a campaign, so nothing here is read twice. Okta has no API that lists a user's
 * sessions, and its `DELETE …/sessions?oauthTokens=true` revokes the sessions and the tokens in one call whose 204 is
 * the proof: listing the tokens before and after cost one request per app twice and proved nothing the 204 does not.
 * Grants are listed once, before the write: the listing says what the attacker's apps held (for the record) and makes
 * a second run a no-op; the revocation's 204 proves the rest. A lost answer is read back (see `confirm-write.ts`).
 *
 * A retry of clear_sessions (the worker died after Okta revoked, before the step was recorded) first looks in Okta's
 * System Log for the revocation an earlier attempt made: with no API that lists sessions, the log is the only trace,
 * and without this look the retry would revoke, and log, a second time. (Okta's log lags by seconds; a retry comes at
 * least a heartbeat timeout after the worker died, so the earlier revocation is normally there.)
 */
import type okta from '@okta/okta-sdk-nodejs';
import { count, listed, mapLimit, type PlannedChange } from '../effect';
import { collect, oktaCall } from './call';
import { confirmWrite, lostAnswerNote } from './confirm-write';
import { accountChange, DESCRIBE_CONCURRENCY, readInputUsers } from './effect-reads';
import { addressUser, userTarget, type UserRef } from './read';
import type { oktaClearSessions, oktaRevokeGrants } from './sessions-specs';
import type { OktaDescriber, OktaHandler, Output } from './types';

async function listGrants(client: okta.Client, user: UserRef): Promise<okta.OAuth2ScopeConsentGrant[]> {
  return oktaCall('listUserGrants', userTarget(user), async () =>
    collect(await client.userApi.listUserGrants({ userId: user.id })),
  );
}

/** The time of a `user.session.clear` of this user in Okta's System Log since `since`, if there is one. */
async function sessionsClearedSince(client: okta.Client, user: UserRef, since: string): Promise<string | undefined> {
  return oktaCall('listLogEvents', `System Log since ${since} for ${userTarget(user)}`, async () => {
    const events = await client.systemLogApi.listLogEvents({
      since,
      // Bounded: without `until`, Okta's log is a polling feed whose pages never end. `until` is exclusive, so it
      // stands a second past now: a clear logged in this very millisecond still counts.
      until: new Date(Date.now() + 1_000).toISOString(),
      filter: `eventType eq "user.session.clear" and target.id eq "${user.id}"`,
      limit: 1,
    });
    for await (const event of events) if (event) return event.published?.toISOString() ?? since;
    return undefined;
  });
}

/** clear_sessions' output: whether anything changed is unknown, since Okta lists no user's sessions. */
function sessionsCleared(
  user: UserRef,
  verification: Output<typeof oktaClearSessions>['verification'],
): Output<typeof oktaClearSessions> {
  return { userId: user.id, login: user.login, changed: null, refreshTokensRevoked: null, verification };
}

export const clearSessions: OktaHandler<typeof oktaClearSessions> = async (client, input, context) => {
  const user = await addressUser(client, input.userId);
  const target = userTarget(user);
  const earlier =
    context.attempt > 1 && context.scheduledAt
      ? // Only a shortcut: when the log cannot be read, revoking again is the safe way.
        await sessionsClearedSince(client, user, context.scheduledAt).catch(() => undefined)
      : undefined;
  if (earlier) {
    context.log.info(`Okta clear_sessions: ${target} already revoked by an earlier attempt`, { at: earlier });
    return sessionsCleared(user, {
      readBack: true,
      detail: `read: Okta's System Log shows the sessions revoked at ${earlier} by an earlier attempt of this step; not sent again`,
    });
  }
  await oktaCall('revokeUserSessions', target, () =>
    client.userApi.revokeUserSessions({
      userId: user.id,
      oauthTokens: input.oauthTokens,
      forgetDevices: input.forgetDevices,
    }),
  );
  const tokens = input.oauthTokens ? ' and its OAuth tokens' : '';
  context.log.info(`Okta clear_sessions: ${target}`, { oauthTokens: input.oauthTokens });
  return sessionsCleared(user, {
    readBack: false,
    detail: `Okta answered 204: it revoked the user's sessions${tokens}; it offers no API that lists a user's sessions`,
  });
};

/** Revokes the refresh tokens of every app that still holds some; the apps it revoked them for. */
async function revokeRefreshTokens(client: okta.Client, user: UserRef): Promise<string[]> {
  const target = userTarget(user);
  // Listed after the grants are gone, Okta's apps of the user are those that still hold tokens.
  const apps = await oktaCall('listUserClients', target, async () =>
    collect(await client.userApi.listUserClients({ userId: user.id })),
  );
  const clientIds = apps.flatMap((app) => (app.client_id ? [app.client_id] : []));
  for (const clientId of clientIds) {
    await oktaCall('revokeTokensForUserAndClient', `${target} and app ${clientId}`, () =>
      client.userApi.revokeTokensForUserAndClient({ userId: user.id, clientId }),
    );
  }
  return clientIds;
}

export const revokeGrants: OktaHandler<typeof oktaRevokeGrants> = async (client, input, context) => {
  const user = await addressUser(client, input.userId);
  const target = userTarget(user);
  const grants = await listGrants(client, user);
  const confirmed =
    grants.length > 0
      ? await confirmWrite(
          () => oktaCall('revokeUserGrants', target, () => client.userApi.revokeUserGrants({ userId: user.id })),
          async () => (await listGrants(client, user)).length === 0,
          context.signal,
        )
      : {};
  const withTokens = input.refreshTokens ? await revokeRefreshTokens(client, user) : [];
  const clients = [...new Set([...grants.flatMap((grant) => (grant.clientId ? [grant.clientId] : [])), ...withTokens])];
  const changed = grants.length > 0 || withTokens.length > 0;
  if (changed) context.log.info(`Okta revoke_grants: ${target}`, { grants: grants.length, clients });
  const tokensNote = input.refreshTokens
    ? withTokens.length > 0
      ? `; refresh tokens revoked for ${withTokens.length} app(s)`
      : '; no app held refresh tokens'
    : '';
  const revoked = confirmed.answerLost
    ? `${lostAnswerNote(confirmed)}read back: no grants remain`
    : `${grants.length} grant(s) listed, and revoked: Okta answered 204`;
  const detail = grants.length > 0 ? `${revoked}${tokensNote}` : `listed: no grants; nothing was sent${tokensNote}`;
  return {
    userId: user.id,
    login: user.login,
    grantsRevoked: grants.length,
    refreshTokensRevoked: null,
    clients,
    changed,
    verification: { readBack: confirmed.answerLost !== undefined, detail },
  };
};

/** The apps that hold OAuth tokens of a user: what revoking the tokens would cut off. */
async function tokenApps(client: okta.Client, user: UserRef): Promise<string[]> {
  const apps = await oktaCall('listUserClients', userTarget(user), async () =>
    collect(await client.userApi.listUserClients({ userId: user.id })),
  );
  return apps.flatMap((app) => (app.client_id ? [app.client_id] : []));
}

export const describeClearSessions: OktaDescriber<typeof oktaClearSessions> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  const tokens = inputs.some((input) => input.oauthTokens);
  const apps = tokens ? (await mapLimit(users, DESCRIBE_CONCURRENCY, (user) => tokenApps(client, user))).flat() : [];
  const devices = inputs.some((input) => input.forgetDevices) ? ', and forget their remembered devices' : '';
  const tokenText = tokens
    ? `, and the OAuth tokens ${apps.length === 0 ? 'of no app (none holds any)' : `held by ${count(new Set(apps).size, 'app')}: ${listed([...new Set(apps)])}`}`
    : '';
  return {
    // Okta lists no user's sessions, so how many there are is unknown until the System Log is read.
    summary: `revoke every session of ${count(users.length, 'account')}: ${listed(users.map((user) => user.login))} (Okta does not list sessions)${tokenText}${devices}`,
    changes: users.map((user) => accountChange('revokeUserSessions', user)),
  };
};

export const describeRevokeGrants: OktaDescriber<typeof oktaRevokeGrants> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  const refreshTokens = inputs.some((input) => input.refreshTokens);
  const found = await mapLimit(users, DESCRIBE_CONCURRENCY, async (user) => ({
    user,
    grants: await listGrants(client, user),
    apps: refreshTokens ? await tokenApps(client, user) : [],
  }));
  const changes: PlannedChange[] = found.flatMap(({ user, grants, apps }) => [
    ...(grants.length > 0 ? [accountChange('revokeUserGrants', user)] : []),
    ...apps.map((clientId) => accountChange('revokeTokensForUserAndClient', user, `${user.id}/${clientId}`)),
  ]);
  const granted = found.filter((entry) => entry.grants.length > 0);
  const total = granted.reduce((sum, entry) => sum + entry.grants.length, 0);
  const perUser = granted.map(
    (entry) => `${entry.user.login} (${[...new Set(entry.grants.map((grant) => grant.clientId ?? '?'))].join(', ')})`,
  );
  const none = found.filter((entry) => entry.grants.length === 0).map((entry) => entry.user.login);
  const holders = found.flatMap((entry) => entry.apps);
  const summary = [
    total > 0
      ? `revoke ${count(total, 'OAuth grant')} of ${count(granted.length, 'account')}: ${listed(perUser)}`
      : 'revoke no grant',
    none.length > 0 ? `no grants: ${listed(none)}` : '',
    refreshTokens && holders.length > 0 ? `and the refresh tokens ${count(holders.length, 'app')} hold` : '',
  ];
  return { summary: summary.filter(Boolean).join('; '), changes };
};
