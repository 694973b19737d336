/**
 * Handlers of the `okta.*` actions over one injected SDK client (see `client.ts`). Without a client every handler
 * fails with NotConfigured, so a worker without Okta still registers every action and refuses them clearly.
 */
import type okta from '@okta/okta-sdk-nodejs';
import { DEFAULT_GUARDRAILS, type GuardrailsConfig } from '../../config/guardrails';
import type { ActionContext, ActionHandlers } from '../action';
import { withRefusals, type ActionEffects, type Effect } from '../effect';
import { ActionError, FAILURE_TYPES } from '../errors';
import { notConfiguredHandlers } from '../not-configured';
import { withOktaCall } from './call-context';
import {
  describeExpirePassword,
  describeResetFactors,
  describeResetPassword,
  expirePassword,
  resetFactors,
  resetPassword,
} from './credentials';
import { addToGroup, describeAddToGroup, describeRemoveFromGroup, removeFromGroup } from './groups';
import {
  deactivateUser,
  describeDeactivateUser,
  describeSuspendUser,
  describeUnsuspendUser,
  suspendUser,
  unsuspendUser,
} from './lifecycle';
import { searchLogs } from './logs';
import { getUser } from './lookup';
import { clearSessions, describeClearSessions, describeRevokeGrants, revokeGrants } from './sessions';
import { ProtectedPrincipals } from './protected-principals';
import { snapshotUser } from './snapshot';
import { oktaActions } from './specs';
import { blockIps, describeBlockIps, describeUnblockIps, unblockIps } from './zones';

export const OKTA_NOT_CONFIGURED =
  'Okta is not configured on this worker: set OKTA_ORG_URL and OKTA_API_TOKEN, or OKTA_ORG_URL, OKTA_CLIENT_ID and OKTA_PRIVATE_KEY';

/** What a handler does with its input, before inCall and the guards below wrap it. */
type Run<I, O> = (input: I, context: ActionContext) => Promise<O>;

/** Runs a handler with its action's context in reach of the request executor, which heartbeats rate-limit waits. */
function inCall<I, O>(run: Run<I, O>): Run<I, O> {
  return (input, context) => withOktaCall(context, () => run(input, context));
}

/** How long a resolved set of protected accounts is trusted before it is read from Okta again. */
export const PROTECTED_REFRESH_MS = 5 * 60_000;

/** What the handlers and the describers guard with: the network rules, and the accounts no action may change. */
function guardsOf(client: okta.Client, guardrails: GuardrailsConfig | undefined) {
  return {
    network: guardrails?.network ?? DEFAULT_GUARDRAILS.network,
    principals: guardrails && new ProtectedPrincipals(client, guardrails.principals, PROTECTED_REFRESH_MS),
  };
}

/**
 * Without `guardrails`, only the network defaults apply and no account is protected: the worker always passes its
 * configuration (config/guardrails.ts), which protects super-admins and cordon's own account by default.
 */
export function createOktaHandlers(
  client: okta.Client | undefined,
  guardrails?: GuardrailsConfig,
): ActionHandlers<typeof oktaActions> {
  if (!client) return notConfiguredHandlers(oktaActions, OKTA_NOT_CONFIGURED);
  const { network, principals } = guardsOf(client, guardrails);
  /** A state-changing handler on one user: refused before any request when the user is protected. */
  function onUser<I extends { userId: string }, O>(action: string, run: Run<I, O>) {
    return inCall(async (input: I, context: ActionContext) => {
      await principals?.refuseProtectedUser(
        action,
        input.userId,
        context.approvedPrincipals ?? [],
        context.log,
        context.refusedPrincipals,
      );
      return run(input, context);
    });
  }
  /** A membership change: refused for a protected user, and for a protected group (joining one escapes containment). */
  function onMembership<I extends { userId: string; group: string }, O>(action: string, run: Run<I, O>) {
    return onUser(action, async (input: I, context: ActionContext) => {
      await principals?.refuseProtectedGroup(action, input.group);
      return run(input, context);
    });
  }
  return {
    'okta.get_user': inCall((input) => getUser(client, input)),
    'okta.snapshot': inCall((input, context) => snapshotUser(client, input, context)),
    'okta.search_logs': inCall((input, context) => searchLogs(client, input, context)),
    'okta.clear_sessions': onUser('okta.clear_sessions', (input, context) => clearSessions(client, input, context)),
    'okta.revoke_grants': onUser('okta.revoke_grants', (input, context) => revokeGrants(client, input, context)),
    'okta.suspend_user': onUser('okta.suspend_user', (input, context) => suspendUser(client, input, context)),
    'okta.unsuspend_user': onUser('okta.unsuspend_user', (input, context) => unsuspendUser(client, input, context)),
    'okta.deactivate_user': onUser('okta.deactivate_user', (input, context) => deactivateUser(client, input, context)),
    'okta.reset_password': onUser('okta.reset_password', (input, context) => resetPassword(client, input, context)),
    'okta.expire_password': onUser('okta.expire_password', (input, context) => expirePassword(client, input, context)),
    'okta.reset_factors': onUser('okta.reset_factors', (input, context) => resetFactors(client, input, context)),
    'okta.add_to_group': onMembership('okta.add_to_group', (input, context) => addToGroup(client, input, context)),
    'okta.remove_from_group': onMembership('okta.remove_from_group', (input, context) =>
      removeFromGroup(client, input, context),
    ),
    'okta.block_ips': inCall((input, context) => blockIps(client, input, context, network)),
    'okta.unblock_ips': inCall((input, context) => unblockIps(client, input, context)),
  };
}

/**
 * How each state-changing `okta.*` action describes its effect from reads (see `activities/effect.ts`). Without a
 * client each describer fails NotConfigured, as the handlers do.
 */
export function createOktaEffects(
  client: okta.Client | undefined,
  guardrails?: GuardrailsConfig,
): ActionEffects<typeof oktaActions> {
  if (!client) return notConfiguredHandlers(oktaActions, OKTA_NOT_CONFIGURED);
  const { network, principals } = guardsOf(client, guardrails);
  /**
   * A describer over users, refusing as the handler would (see `onUser` above): the inputs on a protected account (or
   * group) are said as refused, the others described. When every input is refused, it throws the handler's refusal.
   */
  function onUsers<I extends { userId: string; group?: string }>(
    action: string,
    describe: (inputs: I[]) => Promise<Effect>,
  ): (inputs: I[]) => Promise<Effect> {
    return async (inputs) => {
      if (!principals) return describe(inputs);
      const allowed: I[] = [];
      const refusals: ActionError[] = [];
      for (const input of inputs) {
        try {
          await principals.refuseProtectedUser(action, input.userId);
          if (input.group !== undefined) await principals.refuseProtectedGroup(action, input.group);
          allowed.push(input);
        } catch (error) {
          if (!(error instanceof ActionError) || error.type !== FAILURE_TYPES.protectedPrincipal) throw error;
          refusals.push(error);
        }
      }
      const [only] = refusals;
      if (allowed.length === 0 && refusals.length === 1 && only) throw only;
      const reasons = refusals.map((refusal) => refusal.message.replace(`${action} refused: `, ''));
      if (allowed.length === 0) {
        throw new ActionError(FAILURE_TYPES.protectedPrincipal, `${action} refused: ${reasons.join('; ')}`);
      }
      return withRefusals(await describe(allowed), reasons);
    };
  }
  return {
    'okta.clear_sessions': onUsers('okta.clear_sessions', (inputs) => describeClearSessions(client, inputs)),
    'okta.revoke_grants': onUsers('okta.revoke_grants', (inputs) => describeRevokeGrants(client, inputs)),
    'okta.suspend_user': onUsers('okta.suspend_user', (inputs) => describeSuspendUser(client, inputs)),
    'okta.unsuspend_user': onUsers('okta.unsuspend_user', (inputs) => describeUnsuspendUser(client, inputs)),
    'okta.deactivate_user': onUsers('okta.deactivate_user', (inputs) => describeDeactivateUser(client, inputs)),
    'okta.reset_password': onUsers('okta.reset_password', (inputs) => describeResetPassword(client, inputs)),
    'okta.expire_password': onUsers('okta.expire_password', (inputs) => describeExpirePassword(client, inputs)),
    'okta.reset_factors': onUsers('okta.reset_factors', (inputs) => describeResetFactors(client, inputs)),
    'okta.add_to_group': onUsers('okta.add_to_group', (inputs) => describeAddToGroup(client, inputs)),
    'okta.remove_from_group': onUsers('okta.remove_from_group', (inputs) => describeRemoveFromGroup(client, inputs)),
    'okta.block_ips': (inputs) => describeBlockIps(client, inputs, network),
    'okta.unblock_ips': (inputs) => describeUnblockIps(client, inputs),
  };
}
