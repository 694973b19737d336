/**
 * Who may call the local Okta: SSWS API tokens (an admin's token, all of the admin's permissions) and bearer tokens
 * issued by `/oauth2/v1/token` to service apps (only the granted scopes). A missing or unknown credential gets Okta's
 * 401 E0000011; a credential without the operation's permission gets 403 E0000006.
 */
import { accessDenied, invalidToken } from './errors';
import type { Route, RouteContext } from './router';
import { oktaId, randomSecret } from './state';

export interface ApiToken {
  token: string;
  /** The admin the token acts as, named in the System Log. */
  login: string;
  /** Scopes the token's admin holds; `*` for a super admin. */
  scopes: '*' | ReadonlySet<string>;
}

export interface AccessToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export class Credentials {
  readonly apiTokens = new Map<string, ApiToken>();
  readonly accessTokens = new Map<string, AccessToken>();
  private readonly adminIds = new Map<string, string>();

  /** Adds an SSWS token; without scopes it acts as a super admin. */
  addApiToken(options: { token?: string; login?: string; scopes?: readonly string[] } = {}): ApiToken {
    const token: ApiToken = {
      token: options.token ?? `00${randomSecret(40)}`,
      login: options.login ?? 'admin@example.com',
      scopes: options.scopes ? new Set(options.scopes) : '*',
    };
    this.apiTokens.set(token.token, token);
    return token;
  }

  issueAccessToken(clientId: string, scopes: readonly string[], ttlSeconds: number): string {
    const token = `eyJ${randomSecret(48)}`;
    this.accessTokens.set(token, { clientId, scopes: new Set(scopes), expiresAt: Date.now() + ttlSeconds * 1000 });
    return token;
  }

  private adminId(login: string): string {
    let id = this.adminIds.get(login);
    if (!id) {
      id = oktaId('00u');
      this.adminIds.set(login, id);
    }
    return id;
  }

  /** Checks the Authorization header against the route; returns the actor the System Log names. */
  authorize(header: string | undefined, route: Route): RouteContext['actor'] {
    const [scheme = '', value = ''] = (header ?? '').split(/\s+/, 2);
    if (scheme.toUpperCase() === 'SSWS') {
      const token = this.apiTokens.get(value);
      if (!token) throw invalidToken();
      if (token.scopes !== '*' && !token.scopes.has(route.scope)) throw accessDenied();
      return { id: this.adminId(token.login), type: 'User', alternateId: token.login };
    }
    // The SDK sends `Bearer`, or `DPoP` for DPoP-bound tokens; the stand-in does not bind tokens to DPoP keys.
    if (scheme.toLowerCase() === 'bearer' || scheme.toLowerCase() === 'dpop') {
      const token = this.accessTokens.get(value);
      if (!token || token.expiresAt <= Date.now()) throw invalidToken();
      if (!token.scopes.has(route.scope)) throw accessDenied();
      return { id: token.clientId, type: 'PublicClientApp', alternateId: token.clientId };
    }
    throw invalidToken();
  }
}
