/**
 * The System Log (`GET /api/v1/logs`): `since`/`until`, `filter`, `q`, `limit`, `sortOrder`, and paging through
 * `Link: <…>; rel="next"` with an opaque `after` cursor. As in Okta, a bounded query (with `until`) stops giving a next
 * link once the events run out, while a polling query (without `until`) always gives one.
 */
import { invalidDate, invalidSearch } from './errors';
import { optionalFilter } from './filter';
import { json, route, type Route, type RouteContext } from './router';

const DEFAULT_WINDOW_MS = 7 * 86_400_000;
const MAX_LIMIT = 1000;

type Event = RouteContext['state']['logs'][number];

function timestamp(value: string | null, fallback: number | undefined): number | undefined {
  if (value === null) return fallback;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw invalidDate();
  return parsed;
}

/** The cursor names the last event returned, so events published later never shift a page. */
function cursorOf(event: Event): string {
  return Buffer.from(`${event.published}|${event.uuid}`).toString('base64url');
}

/** Events past the cursor in page order: later ones when ascending, earlier ones when descending. */
function afterCursor(cursor: string | null, descending: boolean): (event: Event) => boolean {
  if (!cursor) return () => true;
  const key = Buffer.from(cursor, 'base64url').toString();
  return (event) => {
    const eventKey = `${event.published}|${event.uuid}`;
    return descending ? eventKey < key : eventKey > key;
  };
}

function keywordMatcher(q: string | null): (event: Event) => boolean {
  const terms = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return () => true;
  return (event) => {
    const text = JSON.stringify(event).toLowerCase();
    return terms.every((term) => text.includes(term));
  };
}

function listLogs(context: RouteContext) {
  const { query } = context;
  const now = Date.now();
  const since = timestamp(query.get('since'), now - DEFAULT_WINDOW_MS) ?? 0;
  const until = timestamp(query.get('until'), undefined);
  const limitText = query.get('limit') ?? '100';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1) throw invalidSearch('limit must be a positive integer');
  const descending = query.get('sortOrder') === 'DESCENDING';
  const matchesFilter = optionalFilter(query.get('filter'));
  const matchesKeywords = keywordMatcher(query.get('q'));

  const inWindow = context.state.logs.filter((event) => {
    const published = Date.parse(event.published);
    return published >= since && (until === undefined ? published <= now : published < until);
  });
  // Ordered by the same key the cursor holds, so events published in the same millisecond page consistently.
  const ascending = inWindow.sort((a, b) => (`${a.published}|${a.uuid}` < `${b.published}|${b.uuid}` ? -1 : 1));
  const ordered = descending ? ascending.reverse() : ascending;
  const matching = ordered.filter((event) => matchesFilter(event) && matchesKeywords(event));
  const remaining = matching.filter(afterCursor(query.get('after'), descending));
  const page = remaining.slice(0, Math.min(limit, MAX_LIMIT));

  const self = `${context.baseUrl}/api/v1/logs?${query.toString()}`;
  const links = [`<${self}>; rel="self"`];
  const last = page.at(-1);
  if (until === undefined || remaining.length > page.length) {
    const next = new URLSearchParams(query);
    const cursor = last ? cursorOf(last) : query.get('after');
    if (cursor) next.set('after', cursor);
    links.push(`<${context.baseUrl}/api/v1/logs?${next.toString()}>; rel="next"`);
  }
  return json(page, 200, { link: links });
}

export const logRoutes: Route[] = [route('GET /api/v1/logs', 'listLogEvents', 'okta.logs.read', listLogs)];
