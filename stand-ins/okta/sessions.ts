/**
 * Sessions, OAuth grants and refresh tokens: what an attacker holding a phished session keeps using after the password
 * changes. Okta lists grants and tokens but offers no API that lists a user's sessions; neither does the stand-in.
 */
import { audit, userTarget } from './audit';
import { revokeSessions } from './credentials';
import { json, noContent, queryFlag, requireRecord, route, type Route, type RouteContext } from './router';
import { appJson, grantJson, refreshTokenJson } from './serialize';
import type { AppRecord, UserRecord } from './state';
import { requireUser } from './users';

/** The user and the app of a `/users/{userId}/clients/{clientId}` path; 404 for either that does not exist. */
function requireUserAndApp(context: RouteContext): { user: UserRecord; app: AppRecord } {
  const user = requireUser(context);
  return { user, app: requireRecord(context, 'clientId', context.state.apps, 'OAuth2Client') };
}

export const sessionRoutes: Route[] = [
  route('DELETE /api/v1/users/{userId}/sessions', 'revokeUserSessions', 'okta.users.manage', (context) => {
    const user = requireUser(context);
    revokeSessions(context, user);
    if (queryFlag(context.query, 'oauthTokens')) {
      context.state.deleteWhere(context.state.refreshTokens, (token) => token.userId === user.id);
    }
    audit(context, { kind: 'revokeUserSessions', target: user.id }, 'user.session.clear', [userTarget(user)]);
    return noContent();
  }),
  route('GET /api/v1/users/{userId}/grants', 'listUserGrants', 'okta.users.read', (context) => {
    const user = requireUser(context);
    return json(context.state.grantsOf(user.id).map((grant) => grantJson(grant, context.baseUrl)));
  }),
  route('DELETE /api/v1/users/{userId}/grants', 'revokeUserGrants', 'okta.users.manage', (context) => {
    const user = requireUser(context);
    context.state.deleteWhere(context.state.grants, (grant) => grant.userId === user.id);
    audit(context, { kind: 'revokeUserGrants', target: user.id }, 'app.oauth2.as.consent.revoke', [userTarget(user)]);
    return noContent();
  }),
  route('GET /api/v1/users/{userId}/clients', 'listUserClients', 'okta.users.read', (context) => {
    const user = requireUser(context);
    // The apps the user holds a grant or a token for, as Okta lists them.
    const clientIds = new Set([
      ...context.state.grantsOf(user.id).map((grant) => grant.clientId),
      ...context.state.refreshTokensOf(user.id).map((token) => token.clientId),
    ]);
    const apps = [...clientIds].flatMap((clientId) => {
      const app = context.state.apps.get(clientId);
      return app ? [appJson(app, user.id, context.baseUrl)] : [];
    });
    return json(apps);
  }),
  route(
    'GET /api/v1/users/{userId}/clients/{clientId}/tokens',
    'listRefreshTokensForUserAndClient',
    'okta.users.read',
    (context) => {
      const { user, app } = requireUserAndApp(context);
      return json(
        context.state.refreshTokensOf(user.id, app.clientId).map((token) => refreshTokenJson(token, context.baseUrl)),
      );
    },
  ),
  route(
    'DELETE /api/v1/users/{userId}/clients/{clientId}/tokens',
    'revokeTokensForUserAndClient',
    'okta.users.manage',
    (context) => {
      const { user, app } = requireUserAndApp(context);
      context.state.deleteWhere(
        context.state.refreshTokens,
        (token) => token.userId === user.id && token.clientId === app.clientId,
      );
      audit(
        context,
        { kind: 'revokeTokensForUserAndClient', target: `${user.id}/${app.clientId}` },
        'app.oauth2.as.token.revoke',
        [userTarget(user)],
      );
      return noContent();
    },
  ),
];
