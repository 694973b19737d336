/**
 * Slack's failures, sorted by whether a retry can help. Platform errors are answers (`channel_not_found`,
 * `invalid_auth`): retrying cannot change them, and a notification retried for an hour would hold up every later
 * notification of the run. Outages (5xx, a dropped connection, `internal_error`) and rate limits are retried.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, type WebAPICallError } from '@slack/web-api';
import { FAILURE_TYPES } from '../activities/errors';
import { errorMessage } from '../activities/error-message';

const TRANSIENT_CODES = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

const NOT_FOUND_CODES = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'thread_not_found',
  'no_such_subteam',
  'user_not_found',
]);

const FORBIDDEN_CODES = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'restricted_action',
  'ekm_access_denied',
]);

function isCallError(error: unknown): error is WebAPICallError {
  return (
    error instanceof Error && 'code' in error && Object.values(ErrorCode).includes((error as { code: ErrorCode }).code)
  );
}

/** Slack's error code of a platform error (`channel_not_found`), also of a failure made of one, else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  if (isCallError(error)) return error.code === ErrorCode.PlatformError ? error.data.error : undefined;
  if (error instanceof ApplicationFailure) {
    const [details] = error.details ?? [];
    const code =
      typeof details === 'object' && details !== null ? (details as { slackError?: unknown }).slackError : undefined;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function hasSlackCode(error: unknown, ...codes: string[]): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && codes.includes(code);
}

/** A one-line description of a Slack failure; never includes the token or a request body. */
export function describeSlackError(error: unknown): string {
  if (error instanceof ApplicationFailure) return slackErrorCode(error) ?? error.message;
  if (!isCallError(error)) return errorMessage(error);
  switch (error.code) {
    case ErrorCode.PlatformError:
      return error.data.error;
    case ErrorCode.RateLimitedError:
      return `rate limited (retry after ${error.retryAfter}s)`;
    case ErrorCode.HTTPError:
      return `HTTP ${error.statusCode}`;
    case ErrorCode.RequestError:
      return `request failed: ${error.original.message}`;
    default:
      return (error as Error).message;
  }
}

/**
 * The failure an activity throws for a Slack error, with a `type` from FAILURE_TYPES and the right retryability.
 * `operation` says what was attempted and on what (`chat.postMessage to C0123`). The Slack error itself is not kept
 * as the cause: its response headers and body would go into the run's history for nothing; the message and, for a
 * platform error, its code (`details[0].slackError`) say what happened.
 */
export function slackFailure(operation: string, error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const message = `Slack ${operation} failed: ${describeSlackError(error)}`;
  if (!isCallError(error)) return ApplicationFailure.create({ type: FAILURE_TYPES.unavailable, message });
  switch (error.code) {
    case ErrorCode.RateLimitedError:
      return ApplicationFailure.create({
        type: FAILURE_TYPES.rateLimited,
        message,
        nextRetryDelay: Math.max(error.retryAfter, 1) * 1000,
      });
    case ErrorCode.HTTPError:
      return ApplicationFailure.create({
        type: FAILURE_TYPES.unavailable,
        message,
        nonRetryable: error.statusCode < 500 && error.statusCode !== 408,
      });
    case ErrorCode.PlatformError: {
      const code = error.data.error;
      const details = [{ slackError: code }];
      if (TRANSIENT_CODES.has(code))
        return ApplicationFailure.create({ type: FAILURE_TYPES.unavailable, message, details });
      const type = NOT_FOUND_CODES.has(code)
        ? FAILURE_TYPES.notFound
        : FORBIDDEN_CODES.has(code)
          ? FAILURE_TYPES.forbidden
          : FAILURE_TYPES.invalidInput;
      return ApplicationFailure.create({ type, message, nonRetryable: true, details });
    }
    default:
      return ApplicationFailure.create({ type: FAILURE_TYPES.unavailable, message });
  }
}
