/**
 * OAuth 2.0 client credentials with a private-key JWT (`/oauth2/v1/token`), as the Okta SDK uses it: the service app
 * signs a client assertion with its private key; Okta checks the signature against the registered public key, the
 * issuer and subject (the client id), the audience (this token URL), the expiry and that the `jti` is fresh, then
 * issues a bearer token with the granted scopes.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Credentials } from './auth';
import { OktaHttpError } from './errors';

export interface ServiceApp {
  clientId: string;
  /** Public keys (JWK) the app signs its assertions with; `kid` selects one when there are several. */
  keys: JsonWebKey[];
  /** Scopes granted to the app; a request for any other scope is refused. */
  scopes: readonly string[];
}

const HASHES: Record<string, { hash: string; ecdsa: boolean }> = {
  RS256: { hash: 'sha256', ecdsa: false },
  RS384: { hash: 'sha384', ecdsa: false },
  RS512: { hash: 'sha512', ecdsa: false },
  ES256: { hash: 'sha256', ecdsa: true },
  ES384: { hash: 'sha384', ecdsa: true },
};

/** OAuth errors use RFC 6749's `{ error, error_description }`, not Okta's management error body. */
function oauthError(status: number, error: string, description: string): OktaHttpError {
  return new OktaHttpError(status, { error, error_description: description });
}

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    throw oauthError(401, 'invalid_client', 'The client_assertion is not a well-formed JWT.');
  }
}

export class TokenEndpoint {
  readonly apps = new Map<string, ServiceApp>();
  private readonly usedJtis = new Set<string>();
  /** Lifetime of issued access tokens; tests shorten it to exercise the SDK's refresh on 401. */
  tokenTtlSeconds = 3600;

  constructor(private readonly credentials: Credentials) {}

  register(app: ServiceApp): void {
    this.apps.set(app.clientId, app);
  }

  private keyFor(app: ServiceApp, kid: unknown): KeyObject {
    const jwk =
      typeof kid === 'string'
        ? app.keys.find((key) => key.kid === kid)
        : app.keys.length === 1
          ? app.keys[0]
          : undefined;
    if (!jwk) throw oauthError(401, 'invalid_client', 'The client_assertion names no key registered for the client.');
    return createPublicKey({ key: jwk, format: 'jwk' });
  }

  /** Handles a token request; `tokenUrl` is the audience the assertion must name. */
  token(form: URLSearchParams, tokenUrl: string): Record<string, unknown> {
    if (form.get('grant_type') !== 'client_credentials') {
      throw oauthError(400, 'unsupported_grant_type', 'The grant_type must be client_credentials.');
    }
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      throw oauthError(400, 'invalid_request', 'A jwt-bearer client_assertion is required.');
    }
    const assertion = form.get('client_assertion') ?? '';
    const [headerPart, payloadPart, signaturePart, ...extra] = assertion.split('.');
    if (extra.length > 0 || !signaturePart)
      throw oauthError(401, 'invalid_client', 'The client_assertion is not a JWS.');
    const header = decodePart(headerPart);
    const claims = decodePart(payloadPart);
    const clientId = typeof claims.iss === 'string' ? claims.iss : '';
    const app = this.apps.get(clientId);
    if (!app || claims.sub !== clientId) throw oauthError(401, 'invalid_client', 'The client is unknown.');
    const algorithm = HASHES[String(header.alg)];
    if (!algorithm)
      throw oauthError(401, 'invalid_client', `The signing algorithm ${String(header.alg)} is not allowed.`);
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const key = this.keyFor(app, header.kid);
    const valid = verify(algorithm.hash, signed, algorithm.ecdsa ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    if (!valid) throw oauthError(401, 'invalid_client', 'The client_assertion signature is invalid.');
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== tokenUrl) throw oauthError(401, 'invalid_client', `The audience must be ${tokenUrl}.`);
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      throw oauthError(401, 'invalid_client', 'The client_assertion has expired.');
    if (typeof claims.jti === 'string') {
      if (this.usedJtis.has(claims.jti))
        throw oauthError(401, 'invalid_client', 'The client_assertion was already used.');
      this.usedJtis.add(claims.jti);
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const refused = requested.filter((scope) => !app.scopes.includes(scope));
    if (requested.length === 0 || refused.length > 0) {
      throw oauthError(
        400,
        'invalid_scope',
        `The following scopes are not granted to the client: ${refused.join(' ')}`,
      );
    }
    return {
      token_type: 'Bearer',
      expires_in: this.tokenTtlSeconds,
      access_token: this.credentials.issueAccessToken(clientId, requested, this.tokenTtlSeconds),
      scope: requested.join(' '),
    };
  }
}
