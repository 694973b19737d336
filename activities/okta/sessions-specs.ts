/** What a phished session keeps after the password changes: `okta.clear_sessions` and `okta.revoke_grants`. */
import { z } from 'zod';
import { defineAction } from '../action';
import { loginIfRead, userRef, verification } from './schemas';

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
