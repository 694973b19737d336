/** Input and output pieces the `okta.*` action specs share. */
import { z } from 'zod';
import { isDuration } from '../../dsl/duration';
import { parseCidr } from './cidr';

export const userRef = z
  .string()
  .trim()
  .min(1)
  .describe('The user: Okta id (00u…), login, or login short name when unambiguous.');

/** Lets an undo skip itself when the step it reverses changed nothing (the user was already in the target state). */
export const onlyIf = z
  .boolean()
  .default(true)
  .describe("When false, do nothing and report changed: false. Undo passes the reversed step's `changed` here.");

/**
 * What an undo reports when it changed nothing because its target is no longer as the step being undone left it (an
 * admin reactivated the user, re-added the membership): someone changed it since, and an undo must not overrule them.
 */
export const leftAlone = z
  .string()
  .optional()
  .describe('Why nothing was changed: the target is no longer as the step being undone left it.');

export const cidr = z
  .string()
  .trim()
  .refine((text) => parseCidr(text) !== undefined, { message: 'must be an IP address or a CIDR block' })
  .describe('An IPv4 or IPv6 address or CIDR block, e.g. 203.0.113.7 or 203.0.113.0/24.');

/** An ISO 8601 timestamp, or a duration back from now (24h, 7d). */
export const pointInTime = z
  .string()
  .trim()
  .refine((text) => isDuration(text) || !Number.isNaN(Date.parse(text)), {
    message: 'must be an ISO 8601 timestamp or a duration such as 24h or 7d',
  });

export const verification = z
  .object({
    readBack: z.boolean().describe('True when a read-back confirmed the effect; false where Okta offers none.'),
    detail: z.string().describe('What was read back, or why nothing could be.'),
  })
  .describe('How the effect was verified.');

/** A user's login, or null when the action addressed the user by id and never needed to read it. */
export const loginIfRead = z.string().nullable();

export const userChange = z.object({
  userId: z.string(),
  login: loginIfRead,
  /** The status before the action ran. */
  previousStatus: z.string(),
  status: z.string(),
  changed: z.boolean().describe('False when the user was already in the target state.'),
  verification,
  leftAlone,
});

export const group = z.object({ id: z.string(), name: z.string() });

export const groupChange = z.object({
  userId: z.string(),
  login: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  changed: z.boolean(),
  verification,
  leftAlone,
});

export const zoneInput = z
  .string()
  .trim()
  .min(1)
  .default('BlockedIpZone')
  .describe("The IP blocklist zone: its id (nzo…) or name. Defaults to Okta's system blocklist, BlockedIpZone.");

export const zoneChange = z.object({
  zoneId: z.string(),
  zoneName: z.string(),
  /** Gateway entries in the zone afterwards. */
  entries: z.number(),
  /** How many entries Okta allows in this zone. */
  limit: z.number(),
  changed: z.boolean(),
  verification,
});
