/**
 * Which rate-limit bucket a request to Okta counts against: its method and path template, with the ids taken out
 * (`POST /api/v1/users/{}/lifecycle/suspend`).
 *
 * The local Okta counts per operation, and one operation is exactly one method and path template, so there the keys
 * coincide. Okta's own buckets are families of these (all of `/api/v1/users*` but the single-user reads, for
 * instance); every endpoint of a family reads the family's shared `X-Rate-Limit-Remaining` from its own answers, so
 * each stops when the family runs out, and the few requests sent on a count a moment old meet a 429, which is a wait
 * too. Keys finer than Okta's families cost at most those few 429s; coarser ones would make an endpoint with budget
 * left wait for another's reset.
 */

/** Path segments that name an action rather than an object: `/lifecycle/suspend`, `/credentials/change_password`. */
const VERB_PARENTS = new Set(['lifecycle', 'credentials']);

/**
 * The bucket key of a request. Okta's paths alternate a collection and an id after `/api/v1/`
 * (`users/{userId}/clients/{clientId}/tokens`), except after `lifecycle` and `credentials`, which a verb follows.
 */
export function rateLimitBucket(method: string, url: string): string {
  const { pathname } = new URL(url);
  const segments = pathname.split('/').filter(Boolean);
  const apiAt = segments.findIndex((segment, index) => segment === 'api' && /^v\d+$/.test(segments[index + 1] ?? ''));
  const prefix = apiAt >= 0 ? segments.slice(0, apiAt + 2) : [];
  const rest = apiAt >= 0 ? segments.slice(apiAt + 2) : segments;
  const template: string[] = [];
  let expectId = false;
  for (const segment of rest) {
    if (expectId) {
      template.push('{}');
      expectId = false;
      continue;
    }
    template.push(segment);
    const previous = template.at(-2);
    // A verb after `lifecycle` ends the pair; any other word is a collection followed by an id.
    expectId = !(previous !== undefined && VERB_PARENTS.has(previous)) && !VERB_PARENTS.has(segment);
  }
  return `${method.toUpperCase()} /${[...prefix, ...template].join('/')}`;
}
