/**
 * The local Okta's public entry point: start it, seed it, break it, and read what happened to it.
 *
 * ```ts
 * const okta = await startOktaStandIn({ seed: 'demo' });
 * const alice = okta.addUser({ login: 'alice@example.com', sessions: 2, factors: ['sms'] });
 * okta.faults.inject('suspendUser', { kind: 'status', status: 503 }, 3);
 * okta.rateLimits.set('getUser', { limit: 2, windowMs: 1_000 });
 * … okta.changesOf('suspendUser', alice.id) …
 * await okta.close();
 * ```
 */
import type { JsonWebKey } from 'node:crypto';
import type { Server } from 'node:http';
import { closeNow } from '../../http/close-now';
import type { ApiToken } from './auth';
import type { Faults } from './faults';
import type { ServiceApp } from './oauth';
import type { RateLimiter } from './rate-limits';
import {
  addApp,
  addGroup,
  addSignIn,
  addUser,
  addZone,
  seedDemo,
  type SeedName,
  type SignInSeed,
  type UserSeed,
  type ZoneSeed,
} from './seed';
import { createParts, listen, type RequestRecord } from './server';
import type { AppRecord, Change, GroupRecord, OrgState, UserRecord, ZoneRecord } from './state';

export { DEMO_INDICATORS, SEEDS, type SeedName, type SignInSeed, type UserSeed, type ZoneSeed } from './seed';
export { campaignFaultMix, type Fault, type InjectedFault, type RandomFaults } from './faults';
export type { RateLimit } from './rate-limits';
export type { Change, RequestRecord, UserRecord, ZoneRecord };

export interface OktaStandInOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** @default 'empty' */
  seed?: SeedName;
  /** The super admin's SSWS token; random when not given. */
  token?: string;
}

export interface OktaStandIn {
  /** `http://127.0.0.1:<port>`: the org URL to give the SDK. */
  url: string;
  /** A super admin's SSWS API token. */
  token: string;
  state: OrgState;
  faults: Faults;
  rateLimits: RateLimiter;
  /** Every request answered, in order, with its operation id and status. */
  requests: RequestRecord[];
  /** Every write Okta accepted: `{ kind: operationId, target, at }`. */
  readonly changes: readonly Change[];
  changesOf(kind: string, target?: string): Change[];
  /** Requests of one operation, e.g. to count the SDK's retries. */
  requestsOf(operation: string): RequestRecord[];
  addUser(seed: UserSeed): UserRecord;
  addGroup(name: string, description?: string): GroupRecord;
  addApp(clientId: string, name?: string): AppRecord;
  addZone(seed: ZoneSeed): ZoneRecord;
  addSignIn(seed: SignInSeed): void;
  user(idOrLogin: string): UserRecord | undefined;
  /** Another SSWS token, e.g. a read-only admin's: `addApiToken({ scopes: ['okta.users.read'] })`. */
  addApiToken(options?: { token?: string; login?: string; scopes?: readonly string[] }): ApiToken;
  /** Registers a service app for OAuth 2.0 client credentials with a private-key JWT. */
  registerServiceApp(app: ServiceApp & { keys: JsonWebKey[] }): void;
  /** Lifetime of the bearer tokens `/oauth2/v1/token` issues. */
  setAccessTokenTtl(seconds: number): void;
  close(): Promise<void>;
}

export async function startOktaStandIn(options: OktaStandInOptions = {}): Promise<OktaStandIn> {
  let url = '';
  const parts = createParts(() => url);
  const admin = parts.credentials.addApiToken(options.token ? { token: options.token } : {});
  const started: { server: Server; url: string } = await listen(parts, options.host ?? '127.0.0.1', options.port ?? 0);
  url = started.url;
  // Seeded after listening: grants and tokens name the org's URL as their issuer.
  if (options.seed === 'demo') seedDemo(parts.state);
  const { state } = parts;
  return {
    url,
    token: admin.token,
    state,
    faults: parts.faults,
    rateLimits: parts.rateLimits,
    requests: parts.requests,
    get changes() {
      return state.changes;
    },
    changesOf: (kind, target) =>
      state.changes.filter((change) => change.kind === kind && (target === undefined || change.target === target)),
    requestsOf: (operation) => parts.requests.filter((request) => request.operation === operation),
    addUser: (seed) => addUser(state, seed),
    addGroup: (name, description) => addGroup(state, name, { description: description ?? '' }),
    addApp: (clientId, name) => addApp(state, clientId, name),
    addZone: (seed) => addZone(state, seed),
    addSignIn: (seed) => addSignIn(state, seed),
    user: (idOrLogin) => state.findUser(idOrLogin),
    addApiToken: (tokenOptions) => parts.credentials.addApiToken(tokenOptions),
    registerServiceApp: (app) => parts.oauth.register(app),
    setAccessTokenTtl: (seconds) => {
      parts.oauth.tokenTtlSeconds = seconds;
    },
    close: () => closeNow(started.server),
  };
}
