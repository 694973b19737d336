/**
 * `okta.search_logs`: how a responder scopes a campaign ("everyone who signed in from these IPs or user agents").
 * Indicators become an Okta filter so Okta does the narrowing; CIDR blocks Okta's filter cannot express exactly
 * (it has no CIDR operator) are narrowed with `sw` on whole octets and matched exactly here. The query is always
 * bounded by `until`, so paging ends (a polling query without `until` would page forever).
 */
import type okta from '@okta/okta-sdk-nodejs';
import { parseDuration, isDuration } from '../../dsl/duration';
import type { ActionContext } from '../action';
import { oktaCall } from './call';
import { contains, formatIp, parseCidr, type Cidr } from './cidr';
import type { oktaSearchLogs } from './logs-specs';
import { isoOrNull, type Input, type Output } from './types';

type SearchInput = Input<typeof oktaSearchLogs>;
type SearchOutput = Output<typeof oktaSearchLogs>;

const HEARTBEAT_EVERY = 200;

function resolveTime(text: string, now: number): string {
  return isDuration(text)
    ? new Date(now - parseDuration(text)).toISOString()
    : new Date(Date.parse(text)).toISOString();
}

function anyOf(clauses: string[]): string | undefined {
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

/** The narrowest Okta filter clause for a block, or undefined when Okta's operators cannot narrow it at all. */
function ipClause(cidr: Cidr): string | undefined {
  const address = formatIp(cidr.family, cidr.first);
  if (cidr.prefix === (cidr.family === 4 ? 32 : 128)) return `client.ipAddress eq ${JSON.stringify(address)}`;
  const octets = Math.floor(cidr.prefix / 8);
  if (cidr.family !== 4 || octets === 0) return undefined;
  return `client.ipAddress sw ${JSON.stringify(`${address.split('.').slice(0, octets).join('.')}.`)}`;
}

export function buildFilter(input: SearchInput, cidrs: Cidr[]): string {
  const ipClauses = cidrs.map(ipClause);
  const clauses = [
    anyOf(input.eventTypes.map((type) => `eventType eq ${JSON.stringify(type)}`)),
    // One block Okta cannot narrow means the IP clause would exclude matches: leave it to the exact check.
    ipClauses.every((clause) => clause !== undefined)
      ? anyOf(ipClauses.filter((clause) => clause !== undefined))
      : undefined,
    anyOf(input.userAgents.map((agent) => `client.userAgent.rawUserAgent co ${JSON.stringify(agent)}`)),
    input.outcome ? `outcome.result eq ${JSON.stringify(input.outcome)}` : undefined,
    input.filter ? `(${input.filter})` : undefined,
  ];
  return clauses.filter((clause) => clause !== undefined).join(' and ');
}

function matchesIndicators(event: okta.LogEvent, input: SearchInput, cidrs: Cidr[]): boolean {
  const ip = event.client?.ipAddress ?? '';
  const agent = (event.client?.userAgent?.rawUserAgent ?? '').toLowerCase();
  if (cidrs.length > 0 && !cidrs.some((cidr) => contains(cidr, ip))) return false;
  if (input.userAgents.length > 0 && !input.userAgents.some((text) => agent.includes(text.toLowerCase()))) return false;
  return true;
}

function usersOf(event: okta.LogEvent, from: SearchInput['usersFrom']): Array<{ id: string; login: string }> {
  const actor =
    event.actor?.type === 'User' && event.actor.id
      ? [{ id: event.actor.id, login: event.actor.alternateId ?? event.actor.id }]
      : [];
  const targets = (event.target ?? []).flatMap((target) =>
    target.type === 'User' && target.id ? [{ id: target.id, login: target.alternateId ?? target.id }] : [],
  );
  if (from === 'actor') return actor;
  if (from === 'target') return targets;
  return [...actor, ...targets];
}

export async function searchLogs(
  client: okta.Client,
  input: SearchInput,
  context: ActionContext,
): Promise<SearchOutput> {
  const now = Date.now();
  const since = resolveTime(input.since, now);
  const until = input.until ? resolveTime(input.until, now) : new Date(now).toISOString();
  const cidrs = input.ips.flatMap((text) => parseCidr(text) ?? []);
  const filter = buildFilter(input, cidrs);
  const target = `System Log ${since}..${until} where ${filter || '(all)'}`;
  const events: okta.LogEvent[] = [];
  let truncated = false;
  await oktaCall('listLogEvents', target, async () => {
    const collection = await client.systemLogApi.listLogEvents({
      since,
      until,
      filter: filter || undefined,
      q: input.q,
      limit: input.pageSize,
      sortOrder: 'ASCENDING',
    });
    let seen = 0;
    for await (const event of collection) {
      if (event === null) break;
      seen += 1;
      if (seen % HEARTBEAT_EVERY === 0) context.heartbeat({ events: seen });
      if (!matchesIndicators(event, input, cidrs)) continue;
      if (events.length >= input.maxEvents) {
        truncated = true;
        break;
      }
      events.push(event);
    }
  });
  const users = new Map<string, SearchOutput['users'][number]>();
  for (const event of events) {
    const published = isoOrNull(event.published) ?? '';
    for (const { id, login } of usersOf(event, input.usersFrom)) {
      const entry = users.get(id) ?? { id, login, events: 0, ips: [], firstSeen: published, lastSeen: published };
      entry.events += 1;
      const ip = event.client?.ipAddress;
      if (ip && !entry.ips.includes(ip)) entry.ips.push(ip);
      if (published < entry.firstSeen) entry.firstSeen = published;
      if (published > entry.lastSeen) entry.lastSeen = published;
      users.set(id, entry);
    }
  }
  const userList = [...users.values()].sort((a, b) => a.login.localeCompare(b.login));
  context.log.info(`Okta search_logs: ${events.length} event(s), ${userList.length} user(s)`, { filter, truncated });
  return {
    filter,
    since,
    until,
    count: events.length,
    truncated,
    events: events.map((event) => ({
      uuid: event.uuid ?? '',
      published: isoOrNull(event.published) ?? '',
      eventType: event.eventType ?? '',
      outcome: event.outcome?.result ?? null,
      actor: { id: event.actor?.id ?? '', type: event.actor?.type ?? '', alternateId: event.actor?.alternateId ?? '' },
      ipAddress: event.client?.ipAddress ?? null,
      userAgent: event.client?.userAgent?.rawUserAgent ?? null,
    })),
    users: userList,
    userIds: userList.map((user) => user.id),
    logins: userList.map((user) => user.login),
  };
}
