/**
 * Reads every action needs: the user (by id, login or short name), and the read-back that checks an effect holds.
 * A read-back that disagrees with what the write should have done is `EffectNotVerified`, a failure: retrying runs
 * the action again, which finds the user in the target state or repeats the write.
 */
import type okta from '@okta/okta-sdk-nodejs';
import { ActionError, FAILURE_TYPES } from '../errors';
import { collect, oktaCall } from './call';
import { currentOktaCall } from './call-context';
import type { OktaOperation } from './operations';

export interface OktaUser {
  id: string;
  login: string;
  status: string;
  /** Set while Okta finishes an asynchronous transition (e.g. to DEPROVISIONED). */
  transitioningToStatus?: string;
  raw: okta.UserGetSingleton;
}

/** `GET /api/v1/users/{idOrLogin}`; a 404 becomes NotFound naming what was looked up. */
export async function readUser(client: okta.Client, idOrLogin: string): Promise<OktaUser> {
  const raw = await oktaCall('getUser', `user ${idOrLogin}`, () => client.userApi.getUser({ userId: idOrLogin }));
  return asOktaUser(raw, 'getUser', idOrLogin);
}

function asOktaUser(raw: okta.UserGetSingleton, operation: OktaOperation, idOrLogin: string): OktaUser {
  if (!raw.id || !raw.status) {
    throw new ActionError(
      FAILURE_TYPES.unavailable,
      `Okta ${operation} for user ${idOrLogin} answered without an id or status`,
    );
  }
  return {
    id: raw.id,
    login: raw.profile?.login ?? idOrLogin,
    status: String(raw.status),
    transitioningToStatus: raw.transitioningToStatus ? String(raw.transitioningToStatus) : undefined,
    raw,
  };
}

/**
 * Ids per listing: 20 `id eq "00u…"` terms are about 600 characters, well inside any URL limit, where Okta warns that
 * an overly long query can fail.
 */
export const IDS_PER_LISTING = 20;

/**
 * The users with these ids, by id, in one `GET /api/v1/users?filter=id eq … or …` (at most IDS_PER_LISTING ids):
 * `filter`, unlike `search`, reads up-to-date data and returns every status. An id Okta does not return is absent.
 */
export async function listUsersById(client: okta.Client, ids: readonly string[]): Promise<Map<string, OktaUser>> {
  const invalid = ids.find((id) => !isOktaUserId(id));
  if (invalid !== undefined) throw new Error(`listUsersById takes Okta user ids, not ${JSON.stringify(invalid)}`);
  if (ids.length > IDS_PER_LISTING) throw new Error(`listUsersById takes at most ${IDS_PER_LISTING} ids`);
  const filter = ids.map((id) => `id eq "${id}"`).join(' or ');
  const listed = await oktaCall('listUsers', `${ids.length} users by id`, async () =>
    collect(await client.userApi.listUsers({ filter, limit: IDS_PER_LISTING })),
  );
  const users = new Map<string, OktaUser>();
  for (const raw of listed) {
    const user = asOktaUser(raw, 'listUsers', raw.id ?? '(no id)');
    if (ids.includes(user.id)) users.set(user.id, user);
  }
  return users;
}

/** Okta user ids: `00u` and 17 base62 characters. Anything else (a login, a short name) must be looked up. */
const OKTA_USER_ID = /^00u[0-9A-Za-z]{17}$/;

export function isOktaUserId(ref: string): boolean {
  return OKTA_USER_ID.test(ref);
}

/** A look-up of a login in flight, and the cancellation of the step that sent it. */
interface SharedLookUp {
  user: Promise<OktaUser>;
  sentFor: AbortSignal | undefined;
}

/** The look-ups of a login in flight, per Okta client (see `lookUpLogin`). */
const loginLookUps = new WeakMap<okta.Client, Map<string, SharedLookUp>>();

/** How often a step waiting on another step's look-up heartbeats, well inside ACTION_HEARTBEAT_TIMEOUT (20 s). */
const SHARED_WAIT_HEARTBEAT_MS = 5_000;

/**
 * `GET user` of a login or short name, shared with an identical look-up already in flight on this client: steps that
 * start together about one account (the account playbook's snapshot and the revocations beside it) send one request,
 * not one each. Only while it is in flight, and only to resolve who a login names: a read-back (by id, after a write)
 * never joins a read that began before the write. A failure fails every step that shared it, and each retries on its
 * own. A step waiting on another's look-up heartbeats (the other may wait minutes for Okta's rate limit), and looks up
 * on its own if the step that sent it is cancelled.
 */
export async function lookUpLogin(client: okta.Client, login: string): Promise<OktaUser> {
  let inFlight = loginLookUps.get(client);
  if (!inFlight) {
    inFlight = new Map();
    loginLookUps.set(client, inFlight);
  }
  const own = currentOktaCall();
  const shared = inFlight.get(login);
  if (!shared) {
    const user = readUser(client, login).finally(() => inFlight.delete(login));
    inFlight.set(login, { user, sentFor: own?.signal });
    return user;
  }
  const beating = own ? setInterval(() => own.heartbeat({ sharedLookUp: login }), SHARED_WAIT_HEARTBEAT_MS) : undefined;
  try {
    return await shared.user;
  } catch (error) {
    if (shared.sentFor?.aborted && !own?.signal?.aborted) return lookUpLogin(client, login);
    throw error;
  } finally {
    clearInterval(beating);
  }
}

/**
 * The user and more reads about them (their groups, factors, ...). Given an id, both are read at once. A login is
 * resolved first: requests at once on a cold OAuth client would each fetch a bearer token (the SDK does not share one
 * being fetched).
 */
export async function readUserAnd<T>(
  client: okta.Client,
  ref: string,
  readMore: (userId: string, target: string) => Promise<T>,
): Promise<[OktaUser, T]> {
  if (!isOktaUserId(ref)) {
    const user = await lookUpLogin(client, ref);
    return [user, await readMore(user.id, userTarget(user))];
  }
  const [userRead, moreRead] = await Promise.allSettled([readUser(client, ref), readMore(ref, `user ${ref}`)]);
  // The user's own failure first (an unknown id is NotFound from getUser), whichever answer came first.
  if (userRead.status === 'rejected') throw userRead.reason;
  if (moreRead.status === 'rejected') throw moreRead.reason;
  return [userRead.value, moreRead.value];
}

/** A user a write can address without reading it first; `login` and `status` are null when nothing was read. */
export interface UserRef {
  id: string;
  login: string | null;
  status: string | null;
}

/**
 * The user a write addresses: an Okta id is used as it is, with no request (the write itself answers 404 for an
 * unknown id); a login or short name is read once to learn the id.
 */
export async function addressUser(client: okta.Client, idOrLogin: string): Promise<UserRef> {
  if (isOktaUserId(idOrLogin)) return { id: idOrLogin, login: null, status: null };
  const user = await lookUpLogin(client, idOrLogin);
  return { id: user.id, login: user.login, status: user.status };
}

/** How a target was described in messages: `user 00u1… (alice@example.com)`. */
export function userTarget(user: { id: string; login: string | null }): string {
  return user.login && user.login !== user.id ? `user ${user.id} (${user.login})` : `user ${user.id}`;
}

/** The failure for a write Okta accepted whose effect the read-back does not show. */
export function notVerified(operation: OktaOperation, target: string, expected: string, found: string): ActionError {
  return new ActionError(
    FAILURE_TYPES.notVerified,
    `Okta ${operation} for ${target} succeeded, but reading back shows ${found}, not ${expected}`,
    { details: { operation, target, expected, found } },
  );
}

const SETTLE_POLLS = 5;
const SETTLE_INTERVAL_MS = 400;

/**
 * Reads the user back until the status is `expected`. Okta runs some transitions (deactivation, activation)
 * asynchronously and shows `transitioningToStatus` meanwhile, so a few short polls ride that out.
 */
export async function readBackStatus(
  client: okta.Client,
  user: { id: string; login: string | null },
  operation: OktaOperation,
  expected: string,
  signal?: AbortSignal,
): Promise<OktaUser> {
  const settling = (candidate: OktaUser) =>
    candidate.status !== expected && candidate.transitioningToStatus === expected;
  let current = await readUser(client, user.id);
  for (let poll = 0; poll < SETTLE_POLLS && settling(current); poll += 1) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_INTERVAL_MS));
    signal?.throwIfAborted();
    current = await readUser(client, user.id);
  }
  if (current.status !== expected) {
    const transitioning = current.transitioningToStatus ? ` (transitioning to ${current.transitioningToStatus})` : '';
    throw notVerified(operation, userTarget(user), `status ${expected}`, `status ${current.status}${transitioning}`);
  }
  return current;
}
