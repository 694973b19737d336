/**
 * `okta.snapshot`: what an investigation needs after containment has erased it. Resetting factors deletes the phone
 * the attacker enrolled, suspension overwrites the status, and the System Log keeps events for 90 days only; so the
 * account playbooks read all of it first, and the output stays in the run's history (the audit lists it as evidence).
 *
 * It costs four requests (the user, groups, factors, one page of the System Log), three of them at once after the user
 * is known, and it gives what `okta.get_user` gives, so a playbook that snapshots needs no separate look-up. A part Okta
 * refuses to show (a token without `okta.logs.read`) is recorded as unavailable, with why, rather than failing the
 * step: evidence collection must never hold up a containment. A failure a retry can fix is read again here, up to three
 * reads a part, then fails the attempt, for the step to retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type okta from '@okta/okta-sdk-nodejs';
import { isDuration, parseDuration } from '../../dsl/duration';
import type { ActionContext } from '../action';
import { ActionError } from '../errors';
import { collect, oktaCall } from './call';
import { userFacts } from './lookup';
import { readUserAnd, userTarget } from './read';
import type { oktaSnapshot } from './lookup-specs';
import { isoOrNull, type Input, type Output } from './types';

type SnapshotOutput = Output<typeof oktaSnapshot>;
type Part = SnapshotOutput['unavailable'][number]['part'];

/**
 * Reads of one part per attempt. Each part is read again here when a read fails in passing (a dropped connection, a
 * 5xx): an attempt of four reads fails far more often than one read does, and a failed attempt holds up the lock-down
 * that needs the snapshot, then reads every part again. Reads change nothing, so reading again is safe.
 */
const READS_PER_PART = 3;
const REREAD_AFTER_MS = 500;

/** A part of the snapshot, or what it falls back to when Okta refuses it for good (retryable failures still throw). */
async function part<T>(
  name: Part,
  read: () => Promise<T>,
  fallback: T,
  unavailable: SnapshotOutput['unavailable'],
  signal: AbortSignal,
) {
  for (let reads = 1; ; reads += 1) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
      if (error.retryable) {
        if (reads >= READS_PER_PART || signal.aborted) throw error;
        await sleep(REREAD_AFTER_MS * reads, undefined, { signal });
        continue;
      }
      unavailable.push({ part: name, reason: `${error.type}: ${error.message}` });
      return fallback;
    }
  }
}

function factorBinding(factor: okta.UserFactor): string | null {
  const profile: unknown = factor.profile;
  if (profile === null || typeof profile !== 'object') return null;
  for (const key of ['phoneNumber', 'email', 'deviceType', 'credentialId', 'name']) {
    const value: unknown = (profile as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

function location(event: okta.LogEvent): string | null {
  const geo = event.client?.geographicalContext;
  const text = [geo?.city, geo?.country].filter(Boolean).join(', ');
  return text || null;
}

function logEvent(event: okta.LogEvent): SnapshotOutput['systemLog']['events'][number] {
  return {
    uuid: event.uuid ?? '',
    published: isoOrNull(event.published) ?? '',
    eventType: event.eventType ?? '',
    displayMessage: event.displayMessage ?? null,
    outcome: event.outcome?.result ?? null,
    actor: event.actor?.alternateId ?? null,
    targets: (event.target ?? []).flatMap((target) => (target.alternateId ? [target.alternateId] : [])),
    ipAddress: event.client?.ipAddress ?? null,
    userAgent: event.client?.userAgent?.rawUserAgent ?? null,
    location: location(event),
  };
}

export async function snapshotUser(
  client: okta.Client,
  input: Input<typeof oktaSnapshot>,
  context: ActionContext,
): Promise<SnapshotOutput> {
  const capturedAt = new Date().toISOString();
  const now = Date.parse(capturedAt);
  const since = new Date(isDuration(input.since) ? now - parseDuration(input.since) : Date.parse(input.since));
  // The schema requires one of the two.
  const ref = input.login ?? input.userId ?? '';
  const unavailable: SnapshotOutput['unavailable'] = [];
  const filter = (id: string) => `actor.id eq ${JSON.stringify(id)} or target.id eq ${JSON.stringify(id)}`;

  const readParts = (id: string, target: string) =>
    Promise.all([
      part(
        'groups',
        () =>
          oktaCall('listUserGroups', target, async () => collect(await client.userApi.listUserGroups({ userId: id }))),
        [],
        unavailable,
        context.signal,
      ),
      part(
        'factors',
        () =>
          oktaCall('listFactors', target, async () => collect(await client.userFactorApi.listFactors({ userId: id }))),
        [],
        unavailable,
        context.signal,
      ),
      part(
        'systemLog',
        () =>
          oktaCall('listLogEvents', `System Log of ${target}`, async () =>
            // Newest first and bounded by `until`, so one page holds the most recent events and paging ends.
            collect(
              await client.systemLogApi.listLogEvents({
                since: since.toISOString(),
                until: capturedAt,
                filter: filter(id),
                limit: input.maxEvents,
                sortOrder: 'DESCENDING',
              }),
              input.maxEvents,
            ),
          ),
        [],
        unavailable,
        context.signal,
      ),
    ]);

  const [user, parts] = await readUserAnd(client, ref, readParts);
  const [groups, factors, events] = parts;
  const raw = user.raw;
  context.log.info(`Okta snapshot: ${userTarget(user)}`, {
    groups: groups.length,
    factors: factors.length,
    events: events.length,
    unavailable: unavailable.map((missing) => missing.part),
  });
  return {
    ...userFacts(user, groups),
    capturedAt,
    created: isoOrNull(raw.created),
    statusChanged: isoOrNull(raw.statusChanged),
    profile: { ...(raw.profile ?? {}) },
    factors: factors.map((factor) => ({
      id: factor.id ?? '',
      factorType: String(factor.factorType ?? 'unknown'),
      provider: factor.provider ? String(factor.provider) : null,
      status: String(factor.status ?? 'unknown'),
      boundTo: factorBinding(factor),
      created: isoOrNull(factor.created),
      lastUpdated: isoOrNull(factor.lastUpdated),
    })),
    systemLog: {
      since: since.toISOString(),
      until: capturedAt,
      filter: filter(user.id),
      count: events.length,
      truncated: events.length >= input.maxEvents,
      events: events.map(logEvent),
    },
    unavailable,
  };
}
