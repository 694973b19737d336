/**
 * Credential actions: reset the password, expire it, reset the MFA factors.
 *
 * Secrets Okta hands back never leave these functions. `expirePasswordAndGetTemporaryPassword` answers with the
 * temporary password; it is dropped unread (the promise's value is discarded before anything can hold it), so it
 * cannot reach the activity output, the workflow history, a log line or an error. That is the point of containment:
 * the phished password stops working at once and nobody, attacker or runner, knows the new one; the user gets back in
 * through the help desk or a reset link Okta e-mails (`okta.reset_password`). Sealing it for an operator instead would
 * put a live credential somewhere that outlives the incident, for a convenience the reset flow already gives. The reset
 * link of `reset_password` with `sendEmail: false` is a credential too and is withheld the same way.
 */
import { count, listed, mapLimit } from '../effect';
import { collect, oktaCall } from './call';
import { confirmWrite, lostAnswerNote } from './confirm-write';
import { accountChange, DESCRIBE_CONCURRENCY, readInputUsers, statusEffect } from './effect-reads';
import { addressUser, notVerified, readBackStatus, readUser, userTarget } from './read';
import type { oktaExpirePassword, oktaResetFactors, oktaResetPassword } from './credentials-specs';
import type { OktaDescriber, OktaHandler } from './types';

export const resetPassword: OktaHandler<typeof oktaResetPassword> = async (client, input, context) => {
  const user = await readUser(client, input.userId);
  const base = { userId: user.id, login: user.login, previousStatus: user.status };
  // RECOVERY means a reset is pending: a retry after a lost answer lands here, and must not send a second link.
  if (user.status === 'RECOVERY') {
    return {
      ...base,
      status: user.status,
      changed: false,
      resetLink: 'none',
      verification: {
        readBack: true,
        detail: 'read: the user was already in RECOVERY (a reset is pending); nothing was sent',
      },
    };
  }
  await oktaCall('generateResetPasswordToken', `${userTarget(user)} in status ${user.status}`, () =>
    client.userApi
      .generateResetPasswordToken({ userId: user.id, sendEmail: input.sendEmail, revokeSessions: input.revokeSessions })
      .then(() => undefined),
  );
  const after = await readBackStatus(client, user, 'generateResetPasswordToken', 'RECOVERY', context.signal);
  context.log.info(`Okta reset_password: ${userTarget(user)} is now ${after.status}`, { sendEmail: input.sendEmail });
  return {
    ...base,
    status: after.status,
    changed: true,
    resetLink: input.sendEmail ? 'email' : 'withheld',
    verification: { readBack: true, detail: `read back: status is ${after.status}` },
  };
};

export const expirePassword: OktaHandler<typeof oktaExpirePassword> = async (client, input, context) => {
  const user = await readUser(client, input.userId);
  const base = { userId: user.id, login: user.login, previousStatus: user.status };
  // An expired password may still be the phished one, so a temporary password is always (re)issued when asked for:
  // replacing one unknown password with another is harmless, leaving a known one is not.
  if (!input.temporaryPassword && user.status === 'PASSWORD_EXPIRED') {
    return {
      ...base,
      status: user.status,
      changed: false,
      temporaryPasswordIssued: false,
      temporaryPassword: 'none',
      verification: { readBack: true, detail: 'read: the password was already expired; nothing was sent' },
    };
  }
  const target = `${userTarget(user)} in status ${user.status}`;
  if (input.temporaryPassword) {
    await oktaCall('expirePasswordAndGetTemporaryPassword', target, () =>
      client.userApi
        .expirePasswordAndGetTemporaryPassword({ userId: user.id, revokeSessions: input.revokeSessions })
        .then(() => undefined),
    );
  } else {
    await oktaCall('expirePassword', target, () =>
      client.userApi.expirePassword({ userId: user.id }).then(() => undefined),
    );
  }
  const operation = input.temporaryPassword ? 'expirePasswordAndGetTemporaryPassword' : 'expirePassword';
  const after = await readBackStatus(client, user, operation, 'PASSWORD_EXPIRED', context.signal);
  context.log.info(`Okta expire_password: ${userTarget(user)} is now ${after.status}`, {
    temporaryPassword: input.temporaryPassword ? 'discarded' : 'none',
  });
  return {
    ...base,
    status: after.status,
    changed: true,
    temporaryPasswordIssued: input.temporaryPassword,
    temporaryPassword: input.temporaryPassword ? 'discarded' : 'none',
    verification: {
      readBack: true,
      detail: `read back: status is ${after.status}${input.temporaryPassword ? '; the password itself cannot be read back' : ''}`,
    },
  };
};

/** Factors that still let someone pass MFA; `NOT_SETUP` and `INACTIVE` ones do not. */
function enrolled(factor: { status?: string }): boolean {
  return factor.status !== 'NOT_SETUP' && factor.status !== 'INACTIVE';
}

export const resetFactors: OktaHandler<typeof oktaResetFactors> = async (client, input, context) => {
  const user = await addressUser(client, input.userId);
  const target = userTarget(user);
  const listFactors = () =>
    oktaCall('listFactors', target, async () => collect(await client.userFactorApi.listFactors({ userId: user.id })));
  // Listed once, before the write: what the attacker may have enrolled (for the record), and no write when nothing is.
  // A listing the playbook already holds (the snapshot's) saves that request and its round trip on the lock-down's
  // critical path when it shows an enrolled factor: the reset takes every factor, named or enrolled since, and the
  // read-back below proves it. A listing with none enrolled may be stale (the approval can wait for hours while the
  // attacker enrols), so it is listed afresh before deciding that nothing needs resetting. A retry lists afresh too: an
  // earlier attempt may have reset already, and resetting again would be a second write.
  // With listFirst: false the playbook keeps the factors elsewhere (a snapshot), so a first attempt sends the reset
  // unlisted: Okta resets whatever is enrolled, and the read-back checks that nothing is.
  const given = context.attempt === 1 ? (input.factors?.filter(enrolled) ?? []) : [];
  const unlisted = context.attempt === 1 && given.length === 0 && !input.listFirst;
  const factors = given.length > 0 || unlisted ? given : (await listFactors()).filter(enrolled);
  const base = { userId: user.id, login: user.login };
  if (factors.length === 0 && !unlisted) {
    return {
      ...base,
      factorsReset: [],
      changed: false,
      verification: { readBack: true, detail: 'read: no enrolled factors; nothing was sent' },
    };
  }
  // Okta's 200 to reset_factors means every factor is reset; the listing is repeated only if that answer is lost.
  const confirmed = await confirmWrite(
    () => oktaCall('resetFactors', target, () => client.userApi.resetFactors({ userId: user.id })),
    async () => (await listFactors()).filter(enrolled).length === 0,
    context.signal,
  );
  // Listed again after Okta's 200: a reset Okta accepted without applying (seen by the fault campaign, issue 15) would
  // leave the attacker's factor enrolled under a run that says it is gone. Retried, the step resets again.
  if (!confirmed.answerLost) {
    const remaining = (await listFactors()).filter(enrolled);
    if (remaining.length > 0)
      throw notVerified('resetFactors', target, 'no enrolled factors', `${remaining.length} enrolled factor(s)`);
  }
  context.log.info(`Okta reset_factors: ${target} had ${unlisted ? 'unlisted' : factors.length} factor(s)`);
  const before = unlisted
    ? 'factors not listed first (listFirst: false)'
    : `${factors.length} enrolled factor(s) ${given.length > 0 ? 'listed before (given)' : 'listed'}`;
  return {
    ...base,
    ...(unlisted
      ? {}
      : {
          factorsReset: factors.map((factor) => ({
            id: factor.id ?? '',
            factorType: String(factor.factorType ?? 'unknown'),
          })),
        }),
    changed: true,
    verification: confirmed.answerLost
      ? { readBack: true, detail: `${lostAnswerNote(confirmed)}read back: no enrolled factors remain` }
      : { readBack: true, detail: `${before}, reset (Okta answered 200), and read back: none remain` },
  };
};

export const describeResetPassword: OktaDescriber<typeof oktaResetPassword> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  const email = inputs.every((input) => input.sendEmail);
  return statusEffect(users, {
    verb: 'reset the password of',
    operation: 'generateResetPasswordToken',
    note: email ? 'the reset link e-mailed by Okta' : 'the reset link withheld (an admin must reset again)',
  });
};

export const describeExpirePassword: OktaDescriber<typeof oktaExpirePassword> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  const temporary = inputs.some((input) => input.temporaryPassword);
  return statusEffect(users, {
    verb: 'expire the password of',
    operation: temporary ? 'expirePasswordAndGetTemporaryPassword' : 'expirePassword',
    // A temporary password replaces the phished one even when the password is already expired.
    skipWhenThere: !temporary,
    ...(temporary ? { note: 'replacing it with a temporary password that is discarded' } : {}),
  });
};

export const describeResetFactors: OktaDescriber<typeof oktaResetFactors> = async (client, inputs) => {
  const users = await readInputUsers(client, inputs);
  const listedFactors = await mapLimit(users, DESCRIBE_CONCURRENCY, async (user) => ({
    user,
    factors: (
      await oktaCall('listFactors', userTarget(user), async () =>
        collect(await client.userFactorApi.listFactors({ userId: user.id })),
      )
    ).filter(enrolled),
  }));
  const withFactors = listedFactors.filter((entry) => entry.factors.length > 0);
  const without = listedFactors.filter((entry) => entry.factors.length === 0).map((entry) => entry.user.login);
  const total = withFactors.reduce((sum, entry) => sum + entry.factors.length, 0);
  const perUser = withFactors.map(
    (entry) =>
      `${entry.user.login} (${entry.factors.map((factor) => String(factor.factorType ?? 'unknown')).join(', ')})`,
  );
  const summary = [
    total > 0
      ? `reset ${count(total, 'MFA factor')} of ${count(withFactors.length, 'account')}: ${listed(perUser)}`
      : 'reset no factor',
    without.length > 0 ? `no enrolled factors: ${listed(without)}` : '',
  ];
  return {
    summary: summary.filter(Boolean).join('; '),
    changes: withFactors.map((entry) => accountChange('resetFactors', entry.user)),
  };
};
