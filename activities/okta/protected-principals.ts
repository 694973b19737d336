/**
 * Protected principals: accounts no Okta action changes, whatever a playbook says (break-glass and admin accounts, and
 * cordon's own). The worker resolves them from Okta once and again after `refreshMs`, not per containment, so the guard
 * costs no request on the critical path: the configured users, the members of the configured groups, the super-admins
 * (role assignments) and the account whose credentials cordon uses (`/users/me`).
 *
 * It fails closed: while the set cannot be resolved, every guarded action fails (retryably), because an unknown set
 * could hide the one account that must not be touched.
 */
import type okta from '@okta/okta-sdk-nodejs';
import type { PrincipalGuardrails } from '../../config/guardrails';
import type { ActionLogger, ApprovedPrincipal } from '../action';
import { ActionError, FAILURE_TYPES } from '../errors';
import { collect, oktaCall } from './call';
import { resolveGroup } from './groups';
import { errorMessage } from '../error-message';

/** Why an account is protected, for the refusal's message. */
export interface Protection {
  userId: string;
  login: string;
  reason: string;
}

export interface ProtectedSet {
  users: Protection[];
  /** Protected groups (ids and names): nobody is added to one, or they would be out of containment's reach. */
  groups: Array<{ id: string; name: string }>;
}

const MAX_ROLE_PAGES = 50;

function protection(user: okta.User, reason: string): Protection[] {
  return user.id ? [{ userId: user.id, login: user.profile?.login ?? user.id, reason }] : [];
}

async function configuredUsers(client: okta.Client, refs: readonly string[]): Promise<Protection[]> {
  const users = await Promise.all(
    refs.map((ref) => oktaCall('getUser', `protected user ${ref}`, () => client.userApi.getUser({ userId: ref }))),
  );
  return users.flatMap((user, index) => protection(user, `listed in OKTA_PROTECTED_USERS as ${refs[index]}`));
}

async function groupMembers(client: okta.Client, refs: readonly string[]) {
  const groups = await Promise.all(refs.map((ref) => resolveGroup(client, ref)));
  const members = await Promise.all(
    groups.map(async (group) => {
      const users = await oktaCall('listGroupUsers', `protected group ${group.name}`, async () =>
        collect(await client.groupApi.listGroupUsers({ groupId: group.id })),
      );
      return users.flatMap((user) => protection(user, `a member of the protected group ${group.name}`));
    }),
  );
  return { groups, members: members.flat() };
}

/** Users with a SUPER_ADMIN role assigned directly (Okta lists every user with a role, then each user's roles). */
async function superAdmins(client: okta.Client): Promise<Protection[]> {
  const assignees: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_ROLE_PAGES; page += 1) {
    const result = await oktaCall('listUsersWithRoleAssignments', 'admin role assignees', () =>
      client.roleAssignmentApi.listUsersWithRoleAssignments({ after, limit: 100 }),
    );
    assignees.push(...(result.value ?? []).flatMap((assignee) => assignee.id ?? []));
    const next = result._links?.next?.href;
    after = next ? (new URL(next).searchParams.get('after') ?? undefined) : undefined;
    if (!after) break;
  }
  const admins = await Promise.all(
    assignees.map(async (userId) => {
      const roles = await oktaCall('listAssignedRolesForUser', `roles of user ${userId}`, async () =>
        collect(await client.roleAssignmentApi.listAssignedRolesForUser({ userId })),
      );
      if (!roles.some((role) => role.type === 'SUPER_ADMIN')) return [];
      const user = await oktaCall('getUser', `super-admin ${userId}`, () => client.userApi.getUser({ userId: userId }));
      return protection(user, 'an Okta super-admin');
    }),
  );
  return admins.flat();
}

/** The account cordon's credentials act as; none for a service app (Okta answers 404 for `me`). */
async function ownAccount(client: okta.Client): Promise<Protection[]> {
  try {
    const me = await oktaCall('getCurrentUser', 'the current user', () => client.userApi.getUser({ userId: 'me' }));
    return protection(me, "the account cordon's own Okta credentials belong to");
  } catch (error) {
    if (error instanceof ActionError && error.type === FAILURE_TYPES.notFound) return [];
    throw error;
  }
}

export async function resolveProtectedSet(client: okta.Client, config: PrincipalGuardrails): Promise<ProtectedSet> {
  const [listed, grouped, admins, own] = await Promise.all([
    configuredUsers(client, config.users),
    groupMembers(client, config.groups),
    config.superAdmins ? superAdmins(client) : Promise.resolve([]),
    ownAccount(client),
  ]);
  return { users: [...own, ...listed, ...admins, ...grouped.members], groups: grouped.groups };
}

/** The protected set of one worker, resolved on first use and again once older than `refreshMs`. */
export class ProtectedPrincipals {
  private resolved: { set: ProtectedSet; at: number } | undefined;
  private pending: Promise<ProtectedSet> | undefined;

  constructor(
    private readonly client: okta.Client,
    private readonly config: PrincipalGuardrails,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<ProtectedSet> {
    if (this.resolved && this.now() - this.resolved.at < this.refreshMs) return this.resolved.set;
    this.pending ??= resolveProtectedSet(this.client, this.config)
      .then((set) => {
        this.resolved = { set, at: this.now() };
        return set;
      })
      .finally(() => {
        this.pending = undefined;
      });
    try {
      return await this.pending;
    } catch (error) {
      const message = errorMessage(error);
      // A permission the guard needs is missing: say which, and how to do without it.
      const forbidden = error instanceof ActionError && error.type === FAILURE_TYPES.forbidden;
      throw new ActionError(
        forbidden ? FAILURE_TYPES.forbidden : FAILURE_TYPES.unavailable,
        `cannot tell which Okta accounts are protected, so nothing is changed: ${message}`,
        { cause: error },
      );
    }
  }

  /**
   * Throws ProtectedPrincipal when `userRef` (an id, login or short name) is a protected account, unless a separate
   * approval named that very account (`approved`, grants the worker signed for this call); the failure's details carry
   * the account, so the run can ask for one, and say when a grant naming it was `refused` (see principal-grants.ts).
   */
  async refuseProtectedUser(
    action: string,
    userRef: string,
    approved: readonly ApprovedPrincipal[] = [],
    log?: ActionLogger,
    refused: ReadonlyArray<{ userId: string; problem: string }> = [],
  ): Promise<void> {
    const set = await this.current();
    const ref = userRef.toLowerCase();
    const hit = set.users.find(
      (user) =>
        user.userId === userRef || user.login.toLowerCase() === ref || user.login.toLowerCase().split('@')[0] === ref,
    );
    const grant = hit && approved.find((candidate) => candidate.userId === hit.userId);
    if (hit && grant) {
      log?.warn(`${action} on the protected account ${hit.login} (${hit.userId}): approved by ${grant.by}`, {
        approval: grant.approval,
      });
      return;
    }
    if (hit) {
      const refusedGrant = refused.find((candidate) => candidate.userId === hit.userId);
      const why = refusedGrant ? `; the grant naming it is refused: ${refusedGrant.problem}` : '';
      throw new ActionError(
        FAILURE_TYPES.protectedPrincipal,
        `${action} refused: ${hit.login} (${hit.userId}) is protected, as ${hit.reason}${why}`,
        {
          details: {
            userId: hit.userId,
            login: hit.login,
            reason: hit.reason,
            ...(refusedGrant ? { grantRefused: refusedGrant.problem } : {}),
          },
        },
      );
    }
  }

  /** Throws ProtectedPrincipal when `groupRef` (an id or name) is a protected group. */
  async refuseProtectedGroup(action: string, groupRef: string): Promise<void> {
    const set = await this.current();
    const hit = set.groups.find(
      (group) => group.id === groupRef || group.name.toLowerCase() === groupRef.toLowerCase(),
    );
    if (hit) {
      throw new ActionError(
        FAILURE_TYPES.protectedPrincipal,
        `${action} refused: ${hit.name} (${hit.id}) is a protected group; its membership is not cordon's to change`,
        { details: { groupId: hit.id, group: hit.name } },
      );
    }
  }
}
