/**
 * The accounts of a phishing campaign at the local Okta, as the campaign playbook finds them: each signed in from the
 * attacker's network ten minutes ago. Shared by the Okta campaign bench and the cluster test.
 */
import type { OktaStandIn } from '../../stand-ins/okta';

/** Adds `victim0@corp.example` … with a session, an SMS factor and a sign-in from `addressOf(index)`. */
export function addCampaignVictims(okta: OktaStandIn, count: number, addressOf: (index: number) => string) {
  const published = new Date(Date.now() - 600_000).toISOString();
  return Array.from({ length: count }, (_, index) => {
    const victim = okta.addUser({
      login: `victim${index}@corp.example`,
      sessions: 1,
      factors: ['sms'],
      apps: ['0oaslack'],
    });
    okta.addSignIn({ login: victim.profile.login, ipAddress: addressOf(index), published });
    return victim;
  });
}
