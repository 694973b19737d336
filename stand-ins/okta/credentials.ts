/** Passwords and factors: reset and expire the password, list and reset the enrolled factors. */
import { json, queryFlag, route, type Route, type RouteContext } from './router';
import { factorJson, userJson } from './serialize';
import { nowIso, randomSecret, type UserRecord } from './state';
import { lifecycleRoute, requireUser } from './users';

export function revokeSessions(context: RouteContext, user: UserRecord): void {
  context.state.deleteWhere(context.state.sessions, (session) => session.userId === user.id);
}

/** A new password nobody knows yet: the phished one stops working. */
function replacePassword(user: UserRecord, password: string): void {
  user.password = password;
  user.passwordChanged = nowIso();
}

export const credentialRoutes: Route[] = [
  lifecycleRoute('generateResetPasswordToken', 'reset_password', 'user.account.reset_password', (context, user) => {
    replacePassword(user, randomSecret(24));
    if (queryFlag(context.query, 'revokeSessions')) revokeSessions(context, user);
    if (queryFlag(context.query, 'sendEmail')) {
      context.state.outbox.push({ to: user.profile.email, kind: 'reset_password', at: nowIso() });
      return json({});
    }
    const link = `${context.baseUrl}/reset_password/${randomSecret(20)}`;
    context.state.resetLinks.set(user.id, link);
    return json({ resetPasswordUrl: link });
  }),
  lifecycleRoute('expirePassword', 'expire_password', 'user.account.expire_password', (context, user) =>
    json(userJson(user, context.baseUrl)),
  ),
  lifecycleRoute(
    'expirePasswordAndGetTemporaryPassword',
    'expire_password_with_temp_password',
    'user.account.expire_password',
    (context, user) => {
      const temporary = randomSecret(10);
      replacePassword(user, temporary);
      context.state.temporaryPasswords.set(user.id, temporary);
      if (queryFlag(context.query, 'revokeSessions')) revokeSessions(context, user);
      // Okta answers with only the temporary password (see the ExpirePwdWithTempPwdResponse example).
      return json({ tempPassword: temporary });
    },
  ),
  route('GET /api/v1/users/{userId}/factors', 'listFactors', 'okta.users.read', (context) => {
    const user = requireUser(context);
    return json(context.state.factorsOf(user.id).map((factor) => factorJson(factor, context.baseUrl)));
  }),
  lifecycleRoute('resetFactors', 'reset_factors', 'user.mfa.factor.reset_all', (context, user) => {
    context.state.deleteWhere(context.state.factors, (factor) => factor.userId === user.id);
  }),
];
