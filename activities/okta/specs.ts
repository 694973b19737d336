/**
 * The `okta.*` actions: containment of Okta accounts (sessions, grants, lifecycle, credentials, groups) and of
 * attacker addresses (IP blocklist zones), and the System Log search that scopes a campaign. Every state-changing
 * action is idempotent (a user already in the target state gives `changed: false`). Requests to Okta are the scarce
 * resource in a campaign, so each fact is read once: a write Okta answers 2xx for is proven by that answer (Okta's
 * lifecycle and revocation calls are synchronous), and state is read back only when an answer is lost or refused, or
 * where Okta may finish a change later (deactivation) or a merge must be checked (IP zones).
 */
import { z } from 'zod';
import { defineAction } from '../action';
import {
  cidr,
  group,
  groupChange,
  leftAlone,
  loginIfRead,
  onlyIf,
  pointInTime,
  userChange,
  userRef,
  verification,
  zoneChange,
  zoneInput,
} from './schemas';

const userLookup = {
  login: userRef.optional().describe('Login (e-mail), short name or id.'),
  userId: userRef.optional().describe('Okta user id; an alternative to login.'),
};

const userFacts = {
  id: z.string(),
  login: z.string(),
  email: z.string().nullable(),
  displayName: z.string(),
  status: z.string(),
  lastLogin: z.string().nullable(),
  passwordChanged: z.string().nullable(),
  groups: z.array(group),
};

export const oktaGetUser = defineAction({
  name: 'okta.get_user',
  description: 'Look up an Okta user by login, id or short name: id, login, status and groups.',
  impact: 'read',
  input: z
    .object(userLookup)
    .refine((input) => input.login !== undefined || input.userId !== undefined, { message: 'give login or userId' }),
  output: z.object(userFacts),
});

export const oktaSnapshot = defineAction({
  name: 'okta.snapshot',
  description:
    "Keep what containment erases, before it runs: a user's profile, status, groups, enrolled factors and recent System Log events (also gives what okta.get_user gives).",
  impact: 'read',
  evidence: (output) =>
    `Okta snapshot of ${output.login}: ${output.status}, ${output.groups.length} group(s), ${output.factors.length} factor(s) (${output.factors.map((factor) => factor.factorType).join(', ') || 'none'}), ${output.systemLog.count} System Log event(s) since ${output.systemLog.since}${output.unavailable.length > 0 ? `; unavailable: ${output.unavailable.map((missing) => missing.part).join(', ')}` : ''}`,
  input: z
    .object({
      ...userLookup,
      since: pointInTime.default('7d').describe('System Log events from: ISO 8601, or a duration back (24h, 7d).'),
      maxEvents: z.number().int().min(1).max(1000).default(200).describe('The most recent events kept, at most.'),
    })
    .refine((input) => input.login !== undefined || input.userId !== undefined, { message: 'give login or userId' }),
  output: z.object({
    ...userFacts,
    capturedAt: z.string().describe('When the snapshot was read.'),
    created: z.string().nullable(),
    statusChanged: z.string().nullable(),
    profile: z.record(z.string(), z.unknown()).describe("The user's profile attributes as Okta holds them."),
    factors: z.array(
      z.object({
        id: z.string(),
        factorType: z.string(),
        provider: z.string().nullable(),
        status: z.string(),
        /** The phone number, e-mail address or device the factor is bound to, as Okta shows it. */
        boundTo: z.string().nullable(),
        created: z.string().nullable(),
        lastUpdated: z.string().nullable(),
      }),
    ),
    systemLog: z.object({
      since: z.string(),
      until: z.string(),
      filter: z.string().describe('The filter sent to Okta: events where the user is the actor or a target.'),
      count: z.number(),
      truncated: z.boolean().describe('True when maxEvents was reached: older events may exist.'),
      events: z.array(
        z.object({
          uuid: z.string(),
          published: z.string(),
          eventType: z.string(),
          displayMessage: z.string().nullable(),
          outcome: z.string().nullable(),
          actor: z.string().nullable().describe("The actor's alternateId."),
          targets: z.array(z.string()).describe("The targets' alternateIds."),
          ipAddress: z.string().nullable(),
          userAgent: z.string().nullable(),
          location: z.string().nullable().describe('City and country, as Okta geolocated the client.'),
        }),
      ),
    }),
    unavailable: z
      .array(z.object({ part: z.enum(['groups', 'factors', 'systemLog']), reason: z.string() }))
      .describe('Parts Okta refused to show (a missing permission): the rest of the snapshot is still kept.'),
  }),
});

const LOG_USERS_FROM = ['actor', 'target', 'both'] as const;

export const oktaSearchLogs = defineAction({
  name: 'okta.search_logs',
  description:
    'Search the Okta System Log for events from attacker indicators (IPs or CIDRs, user agents, a filter) and list the distinct users they touch.',
  impact: 'read',
  input: z
    .object({
      since: pointInTime.default('24h').describe('Start: ISO 8601, or a duration back from now (24h, 7d).'),
      until: pointInTime.optional().describe('End (exclusive): ISO 8601 or a duration back from now; default now.'),
      eventTypes: z.array(z.string().min(1)).default(['user.session.start']).describe('Event types to match.'),
      ips: z.array(cidr).default([]).describe('Client IPs or CIDR blocks of the attacker.'),
      userAgents: z.array(z.string().min(1)).default([]).describe('Substrings of the raw user agent.'),
      outcome: z.enum(['SUCCESS', 'FAILURE']).optional().describe('Only events with this outcome.'),
      filter: z.string().min(1).optional().describe('An extra Okta filter expression, ANDed with the rest.'),
      q: z.string().min(1).optional().describe('Okta keyword search.'),
      usersFrom: z
        .enum(LOG_USERS_FROM)
        .default('actor')
        .describe('Where users come from: the actor (sign-ins) or targets.'),
      maxEvents: z.number().int().min(1).max(5000).default(1000).describe('Stop after this many events.'),
      pageSize: z.number().int().min(1).max(1000).default(200),
    })
    // Without an indicator the search matches every sign-in, and "contain everyone found" would mean everyone.
    .refine((input) => input.ips.length + input.userAgents.length > 0 || input.filter || input.q, {
      message: 'give at least one indicator: ips, userAgents, filter or q',
    }),
  output: z.object({
    filter: z.string().describe('The filter sent to Okta.'),
    since: z.string(),
    until: z.string(),
    count: z.number(),
    truncated: z.boolean().describe('True when maxEvents stopped the search early.'),
    events: z.array(
      z.object({
        uuid: z.string(),
        published: z.string(),
        eventType: z.string(),
        outcome: z.string().nullable(),
        actor: z.object({ id: z.string(), type: z.string(), alternateId: z.string() }),
        ipAddress: z.string().nullable(),
        userAgent: z.string().nullable(),
      }),
    ),
    users: z.array(
      z.object({
        id: z.string(),
        login: z.string(),
        events: z.number(),
        ips: z.array(z.string()),
        firstSeen: z.string(),
        lastSeen: z.string(),
      }),
    ),
    userIds: z.array(z.string()),
    logins: z.array(z.string()),
  }),
});

export const oktaClearSessions = defineAction({
  name: 'okta.clear_sessions',
  description: "Revoke all of a user's Okta sessions, and optionally their OAuth refresh and access tokens.",
  impact: 'reversible',
  input: z.object({
    userId: userRef,
    oauthTokens: z.boolean().default(false).describe('Also revoke OpenID Connect and OAuth tokens.'),
    forgetDevices: z.boolean().default(false).describe("Also forget the user's remembered devices."),
  }),
  output: z.object({
    userId: z.string(),
    login: loginIfRead,
    /** Okta cannot list a user's sessions, so whether any existed is unknown. */
    changed: z.boolean().nullable(),
    /** Okta revokes the tokens in the same call and does not count them: null unless a count was read. */
    refreshTokensRevoked: z.number().nullable(),
    verification,
  }),
});

export const oktaRevokeGrants = defineAction({
  name: 'okta.revoke_grants',
  description: "Revoke a user's OAuth consent grants and the refresh tokens apps hold for them.",
  impact: 'reversible',
  input: z.object({
    userId: userRef,
    refreshTokens: z
      .boolean()
      .default(true)
      .describe(
        'Also revoke the refresh tokens apps hold; false when okta.clear_sessions with oauthTokens already does.',
      ),
  }),
  output: z.object({
    userId: z.string(),
    login: loginIfRead,
    grantsRevoked: z.number(),
    /** Okta's DELETE answers 204 without a count: null; the apps whose tokens were revoked are in `clients`. */
    refreshTokensRevoked: z.number().nullable(),
    clients: z.array(z.string()).describe('Apps whose grants or tokens were revoked.'),
    changed: z.boolean(),
    verification,
  }),
});

export const oktaUnsuspendUser = defineAction({
  name: 'okta.unsuspend_user',
  description: 'Unsuspend a suspended Okta user (the undo of okta.suspend_user).',
  impact: 'reversible',
  input: z.object({
    userId: userRef,
    onlyIf,
    ifStatus: z
      .string()
      .optional()
      .describe(
        'Unsuspend only while the user is still in this status (what the suspension left); otherwise change nothing and say why in leftAlone.',
      ),
  }),
  output: userChange,
});

export const oktaSuspendUser = defineAction({
  name: 'okta.suspend_user',
  description: 'Suspend an active Okta user: they cannot sign in until unsuspended; groups and apps are kept.',
  impact: 'destructive',
  input: z.object({ userId: userRef }),
  output: userChange,
  undo: {
    action: 'okta.unsuspend_user',
    with: { userId: '${{ output.userId }}', onlyIf: '${{ output.changed }}', ifStatus: '${{ output.status }}' },
  },
});

export const oktaDeactivateUser = defineAction({
  name: 'okta.deactivate_user',
  description: 'Deactivate (deprovision) an Okta user: removed from every app; cannot be undone by cordon.',
  impact: 'destructive',
  input: z.object({
    userId: userRef,
    sendEmail: z.boolean().default(false).describe("Send Okta's deactivation e-mail to the admin."),
  }),
  output: userChange,
});

export const oktaResetPassword = defineAction({
  name: 'okta.reset_password',
  description:
    'Reset a password: the user goes to RECOVERY and cannot sign in until they complete the reset; the link is e-mailed by Okta or withheld.',
  impact: 'destructive',
  input: z.object({
    userId: userRef,
    sendEmail: z.boolean().default(true).describe('Okta e-mails the reset link to the user; otherwise it is withheld.'),
    revokeSessions: z.boolean().default(true).describe("Also revoke the user's sessions."),
  }),
  output: userChange.extend({
    /** `email`: Okta sent the link; `withheld`: the link (a credential) was discarded, so an admin must reset again. */
    resetLink: z.enum(['email', 'withheld', 'none']),
  }),
});

export const oktaExpirePassword = defineAction({
  name: 'okta.expire_password',
  description:
    'Expire a password so it must be changed at next sign-in; with temporaryPassword, also replace it with a temporary one that is discarded, never returned.',
  impact: 'destructive',
  input: z.object({
    userId: userRef,
    temporaryPassword: z
      .boolean()
      .default(false)
      .describe('Replace the (phished) password with a temporary one, so the old one stops working at once.'),
    revokeSessions: z.boolean().default(false).describe("With temporaryPassword: also revoke the user's sessions."),
  }),
  output: userChange.extend({
    temporaryPasswordIssued: z.boolean(),
    /** Where the temporary password went: nowhere (`discarded`), see activities/okta/credentials.ts. */
    temporaryPassword: z.enum(['none', 'discarded']),
  }),
});

export const oktaResetFactors = defineAction({
  name: 'okta.reset_factors',
  description:
    'Reset all enrolled MFA factors of a user (the OTP apps and phones the attacker may have enrolled or phished).',
  impact: 'destructive',
  input: z.object({ userId: userRef }),
  output: z.object({
    userId: z.string(),
    login: loginIfRead,
    factorsReset: z.array(z.object({ id: z.string(), factorType: z.string() })),
    changed: z.boolean(),
    verification,
  }),
});

const groupInput = z.object({
  userId: userRef,
  group: z.string().trim().min(1).describe('The group: its id (00g…) or exact name, e.g. Quarantine.'),
  ifMember: z
    .boolean()
    .optional()
    .describe(
      'Change only while the membership is still this (what the step being undone left); otherwise change nothing and say why in leftAlone.',
    ),
});

export const oktaRemoveFromGroup = defineAction({
  name: 'okta.remove_from_group',
  description: 'Remove a user from an Okta group (the undo of okta.add_to_group).',
  impact: 'reversible',
  input: groupInput.extend({ onlyIf }),
  output: groupChange,
  undo: {
    action: 'okta.add_to_group',
    with: {
      userId: '${{ output.userId }}',
      group: '${{ output.groupId }}',
      onlyIf: '${{ output.changed }}',
      ifMember: '${{ false }}',
    },
  },
});

export const oktaAddToGroup = defineAction({
  name: 'okta.add_to_group',
  description: 'Add a user to an Okta group, e.g. a quarantine group whose policies deny app access.',
  impact: 'reversible',
  input: groupInput.extend({ onlyIf }),
  output: groupChange,
  undo: {
    action: 'okta.remove_from_group',
    with: {
      userId: '${{ output.userId }}',
      group: '${{ output.groupId }}',
      onlyIf: '${{ output.changed }}',
      ifMember: '${{ true }}',
    },
  },
});

export const oktaUnblockIps = defineAction({
  name: 'okta.unblock_ips',
  description: 'Remove addresses from an Okta IP blocklist zone (the undo of okta.block_ips).',
  impact: 'reversible',
  input: z.object({
    zone: zoneInput,
    cidrs: z.array(cidr).max(5000).describe('Entries to remove; may be empty.'),
    ifPresent: z
      .boolean()
      .default(false)
      .describe(
        'The block being undone left these entries in the zone: one no longer there was removed since, and is reported in leftAlone.',
      ),
  }),
  output: zoneChange.extend({ removed: z.array(z.string()), notPresent: z.array(z.string()), leftAlone }),
});

export const oktaBlockIps = defineAction({
  name: 'okta.block_ips',
  description:
    "Add IPs or CIDR blocks to an Okta IP blocklist zone (read, merge, write, read back), refusing past the zone's entry limit.",
  impact: 'destructive',
  input: z.object({ zone: zoneInput, cidrs: z.array(cidr).min(1).max(1000) }),
  output: zoneChange.extend({
    added: z.array(z.string()),
    alreadyPresent: z.array(z.string()).describe('Given addresses an existing entry already covers.'),
  }),
  undo: {
    action: 'okta.unblock_ips',
    with: { zone: '${{ output.zoneId }}', cidrs: '${{ output.added }}', ifPresent: '${{ true }}' },
  },
});

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
