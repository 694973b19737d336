/**
 * HTTP calls of the takedown providers (RDAP, Netcraft, Cloudflare): one place that bounds each call in time, follows
 * the step's cancellation, and turns a status into a failure type that says whether a retry can help.
 */
import { ActionError, FAILURE_TYPES, type FailureType } from '../errors';

export interface HttpCallOptions {
  /** Says what was attempted, for error messages: `RDAP lookup of twilio-okta.com`. */
  operation: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Seconds or an HTTP date in `Retry-After`, as milliseconds. */
function retryAfterMs(response: Response): number | undefined {
  const raw = response.headers.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function failureTypeOf(status: number): FailureType {
  if (status === 401 || status === 403) return FAILURE_TYPES.forbidden;
  if (status === 404) return FAILURE_TYPES.notFound;
  if (status === 409) return FAILURE_TYPES.conflict;
  if (status === 429) return FAILURE_TYPES.rateLimited;
  if (status === 400 || status === 422) return FAILURE_TYPES.invalidInput;
  return FAILURE_TYPES.unavailable;
}

/** The failure for an unexpected status; `body` is a short excerpt of what the service said. */
export function httpFailure(operation: string, response: Response, body: string): ActionError {
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 300);
  return new ActionError(
    failureTypeOf(response.status),
    `${operation} failed: ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`,
    { retryAfterMs: retryAfterMs(response), details: { status: response.status } },
  );
}

/** `fetch` with a timeout and the step's cancellation; a network error becomes a retryable `Unavailable`. */
export async function httpCall(url: string | URL, init: RequestInit, options: HttpCallOptions): Promise<Response> {
  const signals = [AbortSignal.timeout(options.timeoutMs)];
  if (options.signal) signals.push(options.signal);
  try {
    return await fetch(url, { ...init, signal: AbortSignal.any(signals), redirect: 'follow' });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new ActionError(FAILURE_TYPES.unavailable, `${options.operation} failed: ${reason} (${String(url)})`, {
      cause: error,
    });
  }
}
