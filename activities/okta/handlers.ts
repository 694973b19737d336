/**
 * Handlers of the `okta.*` actions over one injected SDK client (see `client.ts`). Without a client every handler
 * fails with NotConfigured, so a worker without Okta still registers every action and refuses them clearly.
 */
import type okta from '@okta/okta-sdk-nodejs';
import { DEFAULT_GUARDRAILS, type GuardrailsConfig } from '../../config/guardrails';
import type { ActionContext, ActionHandlers } from '../action';
import { notConfiguredHandlers } from '../not-configured';
import { withOktaCall } from './call-context';
import { expirePassword, resetFactors, resetPassword } from './credentials';
import { addToGroup, removeFromGroup } from './groups';
import { deactivateUser, suspendUser, unsuspendUser } from './lifecycle';
import { searchLogs } from './logs';
import { getUser } from './lookup';
import { clearSessions, revokeGrants } from './sessions';
import { oktaActions } from './specs';
import { blockIps, unblockIps } from './zones';

export const OKTA_NOT_CONFIGURED =
  'Okta is not configured on this worker: set OKTA_ORG_URL and OKTA_API_TOKEN, or OKTA_ORG_URL, OKTA_CLIENT_ID and OKTA_PRIVATE_KEY';

/** Runs a handler with its action's context in reach of the request executor, which heartbeats rate-limit waits. */
function inCall<I, O>(run: (input: I, context: ActionContext) => Promise<O>) {
  return (input: I, context: ActionContext): Promise<O> => withOktaCall(context, () => run(input, context));
}

export function createOktaHandlers(
  client: okta.Client | undefined,
  guardrails: GuardrailsConfig = DEFAULT_GUARDRAILS,
): ActionHandlers<typeof oktaActions> {
  if (!client) return notConfiguredHandlers(oktaActions, OKTA_NOT_CONFIGURED);
  return {
    'okta.get_user': inCall((input) => getUser(client, input)),
    'okta.search_logs': inCall((input, context) => searchLogs(client, input, context)),
    'okta.clear_sessions': inCall((input, context) => clearSessions(client, input, context)),
    'okta.revoke_grants': inCall((input, context) => revokeGrants(client, input, context)),
    'okta.suspend_user': inCall((input, context) => suspendUser(client, input, context)),
    'okta.unsuspend_user': inCall((input, context) => unsuspendUser(client, input, context)),
    'okta.deactivate_user': inCall((input, context) => deactivateUser(client, input, context)),
    'okta.reset_password': inCall((input, context) => resetPassword(client, input, context)),
    'okta.expire_password': inCall((input, context) => expirePassword(client, input, context)),
    'okta.reset_factors': inCall((input, context) => resetFactors(client, input, context)),
    'okta.add_to_group': inCall((input, context) => addToGroup(client, input, context)),
    'okta.remove_from_group': inCall((input, context) => removeFromGroup(client, input, context)),
    'okta.block_ips': inCall((input, context) => blockIps(client, input, context, guardrails.network)),
    'okta.unblock_ips': inCall((input, context) => unblockIps(client, input, context)),
  };
}
