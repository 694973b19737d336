/** Reading a user: `okta.get_user`, and `okta.snapshot`, which keeps what containment is about to erase. */
import { z } from 'zod';
import { defineAction } from '../action';
import { group, pointInTime, userRef } from './schemas';

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
