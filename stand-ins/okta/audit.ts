/**
 * What an accepted write leaves behind: an entry in the change log (for tests) and a System Log event naming the admin
 * actor and the target, as Okta writes one for every admin action.
 */
import type { RouteContext } from './router';

export interface AuditTarget {
  id: string;
  type: 'User' | 'UserGroup' | 'NetworkZone';
  alternateId: string;
  displayName: string;
}

export function audit(
  context: RouteContext,
  change: { kind: string; target: string },
  eventType: string,
  targets: AuditTarget[],
): void {
  context.state.recordChange(change.kind, change.target);
  context.state.appendLog({
    eventType,
    displayMessage: eventType,
    actor: { ...context.actor, displayName: context.actor.alternateId, detailEntry: {} },
    client: {
      ipAddress: '127.0.0.1',
      userAgent: { rawUserAgent: 'cordon', os: 'Unknown', browser: 'UNKNOWN' },
      zone: 'null',
      device: 'Unknown',
    },
    outcome: { result: 'SUCCESS' },
    target: targets.map((target) => ({ ...target, detailEntry: {} })),
  });
}

export function userTarget(user: { id: string; profile: { login: string } }): AuditTarget {
  return { id: user.id, type: 'User', alternateId: user.profile.login, displayName: user.profile.login };
}
