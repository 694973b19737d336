/**
 * Whom a run's detections name: the people an alert is about besides the subject. An Okta System Log event names its
 * `actor` and its `target`s; those of type `User` (by login and by Okta id) never decide on the containment, since in a
 * phishing campaign any of their accounts may be the attacker's. A webhook event that uses the same shape (`actor`,
 * `target` with `type: User` and `alternateId`) names people the same way. Sandbox-safe: the workflow reads it.
 */
import type { AlertRecord } from './run-state';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function userIdentities(entity: unknown): string[] {
  if (!isRecord(entity) || typeof entity.type !== 'string' || entity.type.toLowerCase() !== 'user') return [];
  return [entity.alternateId, entity.id].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}

/** The identities of the people an event names (its actor and target users), in the event's order. */
export function peopleNamedIn(data: unknown): string[] {
  if (!isRecord(data)) return [];
  const targets = Array.isArray(data.target) ? data.target : [data.target];
  return [...userIdentities(data.actor), ...targets.flatMap(userIdentities)];
}

/** Every identity the run's alerts name, once each. */
export function peopleNamedBy(alerts: readonly AlertRecord[]): string[] {
  return [...new Set(alerts.flatMap((record) => peopleNamedIn(record.data)))];
}
