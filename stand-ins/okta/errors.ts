/**
 * Okta's error bodies: `{ errorCode, errorSummary, errorLink, errorId, errorCauses }`, with the codes and HTTP statuses
 * the real management API uses, so the SDK turns them into the same `OktaApiError`s it would get from an org.
 */
import { randomBytes } from 'node:crypto';

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

/** Thrown by route handlers; the server answers with its status and body. */
export class OktaHttpError extends Error {
  override readonly name = 'OktaHttpError';
  constructor(
    readonly status: number,
    readonly body: OktaErrorBody | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${'errorSummary' in body ? String(body.errorSummary) : JSON.stringify(body)}`);
  }
}

/** Okta's error ids look like `oae…`: opaque, unique per response, quoted to support. */
function errorId(): string {
  return `oae${randomBytes(12).toString('base64url')}`;
}

export function errorBody(code: string, summary: string, causes: string[] = []): OktaErrorBody {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: errorId(),
    errorCauses: causes.map((cause) => ({ errorSummary: cause })),
  };
}

/** E0000001: the request is valid HTTP but Okta refuses it, e.g. an illegal lifecycle transition. */
export function validationFailed(what: string, causes: string[] = []): OktaHttpError {
  return new OktaHttpError(400, errorBody('E0000001', `Api validation failed: ${what}`, causes));
}

/** E0000003: a body that does not parse. */
export function malformedBody(): OktaHttpError {
  return new OktaHttpError(400, errorBody('E0000003', 'The request body was not well-formed.'));
}

/** E0000006: the credential lacks the permission the operation needs. */
export function accessDenied(): OktaHttpError {
  return new OktaHttpError(403, errorBody('E0000006', 'You do not have permission to perform the requested action'));
}

/** E0000007: the resource does not exist; Okta names what it looked for. */
export function notFound(what: string, kind: string): OktaHttpError {
  return new OktaHttpError(404, errorBody('E0000007', `Not found: Resource not found: ${what} (${kind})`));
}

/** E0000011: the API token or bearer token is missing, unknown or expired. */
export function invalidToken(): OktaHttpError {
  return new OktaHttpError(401, errorBody('E0000011', 'Invalid token provided'));
}

/** E0000009: what Okta answers when it fails itself. */
export function internalError(status = 500): OktaHttpError {
  return new OktaHttpError(status, errorBody('E0000009', 'Internal Server Error'));
}

/** E0000022: the path exists but not with this method. */
export function methodNotAllowed(): OktaHttpError {
  return new OktaHttpError(405, errorBody('E0000022', 'The endpoint does not support the provided HTTP method'));
}

/** E0000030: a `since`/`until` that is not an ISO 8601 timestamp. */
export function invalidDate(): OktaHttpError {
  return new OktaHttpError(
    400,
    errorBody('E0000030', "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ"),
  );
}

/** E0000031: a `filter` or `search` expression that does not parse. */
export function invalidSearch(reason: string): OktaHttpError {
  return new OktaHttpError(400, errorBody('E0000031', 'Invalid search criteria.', [reason]));
}

/** E0000047: the rate limit of the endpoint is used up; the headers say when it resets. */
export function tooManyRequests(headers: Record<string, string>): OktaHttpError {
  return new OktaHttpError(
    429,
    errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'),
    headers,
  );
}
