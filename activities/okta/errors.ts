/**
 * Turns what the Okta SDK throws into `ActionError`s whose type says whether a retry can help, and whose message says
 * the operation and the target: `Okta suspendUser failed: 403 for user 00u1…: …`.
 *
 * The SDK throws `OktaApiError` (status, errorCode, errorSummary, errorCauses, headers) for a JSON error body,
 * `HttpError` for any other body, node-fetch's `FetchError` for timeouts and refused connections, and a plain `Error`
 * when a 429 wait would pass the request timeout.
 */
import { ActionError, FAILURE_TYPES, type FailureType } from '../errors';
import { OKTA_OPERATIONS, type OktaOperation } from './operations';
import { errorMessage } from '../error-message';

/** What a failed call was doing, for the message: `{ operation: 'suspendUser', target: 'user 00u1…' }`. */
export interface OktaCall {
  operation: OktaOperation;
  target: string;
}

interface HttpFailure {
  status: number;
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  causes: string[];
  header: (name: string) => string | undefined;
}

/** Operations whose 400 E0000001 means "not in this status": an illegal lifecycle transition, not bad input. */
const STATE_CHANGES: ReadonlySet<OktaOperation> = new Set<OktaOperation>([
  'suspendUser',
  'unsuspendUser',
  'deactivateUser',
  'generateResetPasswordToken',
  'expirePassword',
  'expirePasswordAndGetTemporaryPassword',
  'resetFactors',
  'assignUserToGroup',
  'unassignUserFromGroup',
]);

const MAX_RETRY_AFTER_MS = 10 * 60_000;

function field(value: object, name: string): unknown {
  return (value as Record<string, unknown>)[name];
}

function asHttpFailure(error: unknown): HttpFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name !== 'OktaApiError' && error.name !== 'HttpError') return undefined;
  const status = Number(field(error, 'status'));
  if (!Number.isInteger(status)) return undefined;
  const headers = field(error, 'headers') as { get?: (name: string) => string | null } | undefined;
  const causes = field(error, 'errorCauses');
  const text = (name: string) => {
    const value = field(error, name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    status,
    errorCode: text('errorCode'),
    errorSummary: text('errorSummary'),
    errorId: text('errorId'),
    causes: Array.isArray(causes)
      ? causes.flatMap((cause: unknown) =>
          cause && typeof cause === 'object' && typeof field(cause, 'errorSummary') === 'string'
            ? [String(field(cause, 'errorSummary'))]
            : [],
        )
      : [],
    header: (name) => headers?.get?.(name) ?? undefined,
  };
}

/**
 * How long until the rate limit resets, as the SDK counts it: from the response's `Date` (Okta's clock, not ours) to
 * `X-Rate-Limit-Reset`, plus a second for sub-second differences between the two.
 */
export function retryAfterMs(header: (name: string) => string | undefined): number | undefined {
  const reset = Number(header('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(header('date') ?? '');
  const now = Number.isNaN(date) ? Date.now() : date;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1_000, reset * 1000 - now + 1_000));
}

function classify(failure: HttpFailure, call: OktaCall): { type: FailureType; explanation?: string } {
  const { status, errorCode } = failure;
  if (status === 401) return { type: FAILURE_TYPES.forbidden, explanation: 'Okta rejected the credentials' };
  if (status === 403 && errorCode === 'E0000038') return { type: FAILURE_TYPES.conflict };
  if (status === 403) {
    return {
      type: FAILURE_TYPES.forbidden,
      explanation: `the credentials lack the ${OKTA_OPERATIONS[call.operation].scope} permission`,
    };
  }
  if (status === 404) return { type: FAILURE_TYPES.notFound };
  if (status === 409) return { type: FAILURE_TYPES.conflict };
  if (status === 429) return { type: FAILURE_TYPES.rateLimited };
  if (status === 400 && call.operation === 'replaceNetworkZone' && failure.causes.some((c) => /maximum/i.test(c))) {
    return { type: FAILURE_TYPES.limitExceeded };
  }
  if (status === 400 && errorCode === 'E0000001' && STATE_CHANGES.has(call.operation)) {
    return { type: FAILURE_TYPES.conflict };
  }
  if (status >= 400 && status < 500) return { type: FAILURE_TYPES.invalidInput };
  return { type: FAILURE_TYPES.unavailable };
}

function describe(failure: HttpFailure, explanation: string | undefined): string {
  const okta = [failure.errorCode, failure.errorSummary].filter(Boolean).join(' ');
  const causes = failure.causes.length > 0 ? ` (${failure.causes.join('; ')})` : '';
  const parts = [explanation, okta ? `${okta}${causes}` : causes.trim()].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(': ')}` : '';
}

function isTransportError(error: Error): boolean {
  // node-fetch's FetchError (timeouts, refused or reset connections) and aborts.
  return error.name === 'FetchError' || error.name === 'AbortError';
}

/** The `ActionError` for an error thrown by an SDK call. */
export function toActionError(error: unknown, call: OktaCall): ActionError {
  if (error instanceof ActionError) return error;
  const prefix = `Okta ${call.operation} failed`;
  const failure = asHttpFailure(error);
  if (failure) {
    const { type, explanation } = classify(failure, call);
    return new ActionError(type, `${prefix}: ${failure.status} for ${call.target}${describe(failure, explanation)}`, {
      retryAfterMs: type === FAILURE_TYPES.rateLimited ? retryAfterMs(failure.header) : undefined,
      details: {
        operation: call.operation,
        target: call.target,
        status: failure.status,
        ...(failure.errorCode ? { errorCode: failure.errorCode } : {}),
        ...(failure.errorId ? { errorId: failure.errorId } : {}),
      },
      cause: error,
    });
  }
  const message = errorMessage(error);
  // The SDK gives up on a 429 whose wait would pass the request timeout with a plain Error naming rateLimit.
  const type =
    error instanceof Error && /rateLimit/.test(message) && !isTransportError(error)
      ? FAILURE_TYPES.rateLimited
      : FAILURE_TYPES.unavailable;
  return new ActionError(type, `${prefix} for ${call.target}: ${message}`, {
    details: { operation: call.operation, target: call.target },
    cause: error,
  });
}
