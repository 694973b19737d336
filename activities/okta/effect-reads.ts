/**
 * The reads an Okta effect description makes, and Okta's lifecycle rules it applies to them. A describer reads what
 * the write would touch (the users and their status, factors, grants, a zone) and says what would change: the same
 * facts the handler would find, without the write.
 */
import type okta from '@okta/okta-sdk-nodejs';
import { count, listed, mapLimit, type Effect, type PlannedChange } from '../effect';
import { sharedRead } from '../description-reads';
import { IDS_PER_LISTING, isOktaUserId, listUsersById, readUser, type OktaUser } from './read';

/** As many reads at once as the handlers of a `forEach` step make (its default concurrency). */
export const DESCRIBE_CONCURRENCY = 10;

/**
 * Each distinct user once, in input order; once per description too (a worker has one Okta client). Users named by
 * Okta id are read IDS_PER_LISTING at a time in one filtered listing, so a campaign's approval reads 200 accounts in
 * 10 requests, not 200 against the per-user bucket its snapshots, suspensions and read-backs also spend. A login, or
 * an id the listing does not return, is read on its own (whose 404 names it).
 */
export async function readUsers(client: okta.Client, refs: readonly string[]): Promise<OktaUser[]> {
  const distinct = [...new Set(refs)];
  const ids = distinct.filter(isOktaUserId);
  // Each id's listing, sent once, when the first id of its batch is read.
  const listingOf = new Map<string, () => Promise<Map<string, OktaUser>>>();
  if (ids.length > 1) {
    for (let start = 0; start < ids.length; start += IDS_PER_LISTING) {
      const batch = ids.slice(start, start + IDS_PER_LISTING);
      let listing: Promise<Map<string, OktaUser>> | undefined;
      const list = () => (listing ??= listUsersById(client, batch));
      for (const id of batch) listingOf.set(id, list);
    }
  }
  const read = async (ref: string): Promise<OktaUser> =>
    (await listingOf.get(ref)?.())?.get(ref) ?? readUser(client, ref);
  const users = await mapLimit(distinct, DESCRIBE_CONCURRENCY, (ref) =>
    sharedRead(`okta getUser ${ref}`, () => read(ref)),
  );
  // An id and a login may name the same account: it is one change, not two.
  const seen = new Set<string>();
  return users.filter((user) => {
    if (seen.has(user.id)) return false;
    seen.add(user.id);
    return true;
  });
}

/** Each distinct user the inputs name, once, in input order. */
export function readInputUsers(client: okta.Client, inputs: ReadonlyArray<{ userId: string }>): Promise<OktaUser[]> {
  return readUsers(
    client,
    inputs.map((input) => input.userId),
  );
}

/** A write to one user's account, naming its owner by login (see `PlannedChange.account`). */
export function accountChange(operation: string, user: OktaUser, target = user.id): PlannedChange {
  return { service: 'okta', operation, target, account: user.login };
}

/** The statuses Okta allows each lifecycle operation from, and where it leads (Okta's OpenAPI description). */
const PASSWORD_STATUSES = ['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'];
export const OKTA_TRANSITIONS = {
  suspendUser: { from: ['ACTIVE'], to: 'SUSPENDED' },
  unsuspendUser: { from: ['SUSPENDED'], to: 'ACTIVE' },
  deactivateUser: {
    from: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED'],
    to: 'DEPROVISIONED',
  },
  generateResetPasswordToken: { from: PASSWORD_STATUSES, to: 'RECOVERY' },
  expirePassword: { from: PASSWORD_STATUSES, to: 'PASSWORD_EXPIRED' },
  expirePasswordAndGetTemporaryPassword: { from: PASSWORD_STATUSES, to: 'PASSWORD_EXPIRED' },
} as const satisfies Record<string, { from: readonly string[]; to: string }>;

export interface StatusEffectOptions {
  /** What the action does, as a verb: `suspend`. */
  verb: string;
  operation: keyof typeof OKTA_TRANSITIONS;
  /** A user already in the target status is left alone (`changed: false`); false when the write is sent anyway. */
  skipWhenThere?: boolean;
  /** Appended to the summary, e.g. how the reset link is delivered. */
  note?: string;
}

/** `suspend 2 accounts: a, b (ACTIVE → SUSPENDED); already SUSPENDED: c; Okta would refuse: d (RECOVERY)`. */
export function statusEffect(users: readonly OktaUser[], options: StatusEffectOptions): Effect {
  const rule = OKTA_TRANSITIONS[options.operation];
  const allowed: readonly string[] = rule.from;
  const already = users.filter((user) => user.status === rule.to && options.skipWhenThere !== false);
  const changing = users.filter((user) => !already.includes(user) && allowed.includes(user.status));
  const refused = users.filter((user) => !already.includes(user) && !changing.includes(user));
  const byStatus = new Map<string, string[]>();
  for (const user of changing) byStatus.set(user.status, [...(byStatus.get(user.status) ?? []), user.login]);
  const parts = [
    changing.length > 0
      ? `${options.verb} ${count(changing.length, 'account')}: ${[...byStatus]
          .map(([from, logins]) => `${listed(logins)} (${from} → ${rule.to})`)
          .join('; ')}${options.note ? `, ${options.note}` : ''}`
      : `${options.verb} nobody`,
    already.length > 0 ? `already ${rule.to}: ${listed(already.map((user) => user.login))}` : '',
    refused.length > 0 ? `Okta would refuse: ${listed(refused.map((user) => `${user.login} (${user.status})`))}` : '',
  ];
  const changes = changing.map((user) => accountChange(options.operation, user));
  return { summary: parts.filter(Boolean).join('; '), changes };
}
