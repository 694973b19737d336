/**
 * The accounts of a phishing campaign at the local Okta, as the campaign playbook finds them: each signed in from the
 * attacker's network ten minutes ago. Shared by the Okta campaign bench, the campaign rate-limit test and the cluster
 * test.
 */
import type { OktaStandIn } from '../../stand-ins/okta';

/**
 * Adds `victim0@<domain>` … with a session, an SMS factor and a sign-in from `addressOf(index)`; the `deprovisioned`
 * indexes are deprovisioned already.
 */
export function addCampaignVictims(
  okta: OktaStandIn,
  count: number,
  addressOf: (index: number) => string,
  options: { domain?: string; deprovisioned?: readonly number[] } = {},
) {
  const published = new Date(Date.now() - 600_000).toISOString();
  return Array.from({ length: count }, (_, index) => {
    const victim = okta.addUser({
      login: `victim${index}@${options.domain ?? 'corp.example'}`,
      sessions: 1,
      factors: ['sms'],
      apps: ['0oaslack'],
      ...(options.deprovisioned?.includes(index) ? { status: 'DEPROVISIONED' as const } : {}),
    });
    okta.addSignIn({ login: victim.profile.login, ipAddress: addressOf(index), published });
    return victim;
  });
}
