/** `okta.search_logs`: the System Log search that finds the users a campaign's indicators touched. */
import { z } from 'zod';
import { defineAction } from '../action';
import { cidr, pointInTime } from './schemas';

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
