/**
 * The `okta.*` actions: containment of Okta accounts (sessions, grants, lifecycle, credentials, groups) and of
 * attacker addresses (IP blocklist zones), and the System Log search that scopes a campaign. Every state-changing
 * action is idempotent (a user already in the target state gives `changed: false`). Requests to Okta are the scarce
 * resource in a campaign, so each fact is read once: a write Okta answers 2xx for is proven by that answer (Okta's
 * lifecycle and revocation calls are synchronous), and state is read back only when an answer is lost or refused, or
 * where Okta may finish a change later (deactivation) or a merge must be checked (IP zones).
 *
 * Each family's specs are in a file of their own (`lookup-specs.ts`, `sessions-specs.ts`, …); this module assembles
 * the catalogue.
 */
import { oktaExpirePassword, oktaResetFactors, oktaResetPassword } from './credentials-specs';
import { oktaAddToGroup, oktaRemoveFromGroup } from './groups-specs';
import { oktaDeactivateUser, oktaSuspendUser, oktaUnsuspendUser } from './lifecycle-specs';
import { oktaSearchLogs } from './logs-specs';
import { oktaGetUser, oktaSnapshot } from './lookup-specs';
import { oktaClearSessions, oktaRevokeGrants } from './sessions-specs';
import { oktaBlockIps, oktaUnblockIps } from './zones-specs';

export * from './credentials-specs';
export * from './groups-specs';
export * from './lifecycle-specs';
export * from './logs-specs';
export * from './lookup-specs';
export * from './sessions-specs';
export * from './zones-specs';

export const oktaActions = [
  oktaGetUser,
  oktaSnapshot,
  oktaSearchLogs,
  oktaClearSessions,
  oktaRevokeGrants,
  oktaSuspendUser,
  oktaUnsuspendUser,
  oktaDeactivateUser,
  oktaResetPassword,
  oktaExpirePassword,
  oktaResetFactors,
  oktaAddToGroup,
  oktaRemoveFromGroup,
  oktaBlockIps,
  oktaUnblockIps,
] as const;
