/** Passwords and factors: `okta.reset_password`, `okta.expire_password` and `okta.reset_factors`. */
import { z } from 'zod';
import { defineAction } from '../action';
import { loginIfRead, userChange, userRef, verification } from './schemas';

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
  input: z.object({
    userId: userRef,
    factors: z
      .array(z.object({ id: z.string(), factorType: z.string(), status: z.string() }))
      .optional()
      .describe(
        "The user's factors as already listed (okta.snapshot's factors): with an enrolled one among them the reset is sent without listing again; the read-back still checks that none remain.",
      ),
    listFirst: z
      .boolean()
      .default(true)
      .describe(
        'List the enrolled factors before the reset (the default): the run records which were reset, and nothing is sent when none is enrolled. false sends the reset without that listing, one request less a user, for playbooks that keep the factors elsewhere (okta.snapshot); a retry still lists first, and the read-back still checks that none remain.',
      ),
  }),
  output: z.object({
    userId: z.string(),
    login: loginIfRead,
    factorsReset: z
      .array(z.object({ id: z.string(), factorType: z.string() }))
      .optional()
      .describe('The factors reset, as listed before the reset; absent when they were not listed (listFirst: false).'),
    changed: z.boolean(),
    verification,
  }),
});
