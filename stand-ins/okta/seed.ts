/**
 * Builders for the local Okta's state (users with sessions, factors, grants and tokens; groups; apps; zones; sign-in
 * events) and the named seeds: `empty`, and `demo`, a small org in the middle of a smishing campaign.
 */
import { randomUUID } from 'node:crypto';
import {
  nowIso,
  oktaId,
  randomSecret,
  type AppRecord,
  type FactorRecord,
  type GroupRecord,
  type OrgState,
  type UserRecord,
  type UserStatus,
  type ZoneRecord,
} from './state';

export interface UserSeed {
  login: string;
  firstName?: string;
  lastName?: string;
  status?: UserStatus;
  /** How many live sessions the user has. */
  sessions?: number;
  factors?: Array<FactorRecord['factorType']>;
  /** Apps (client ids, created when missing) the user has consented to: one grant and one refresh token each. */
  apps?: string[];
  /** Groups (names, created when missing) the user is a member of. */
  groups?: string[];
  /** Admin roles assigned to the user, e.g. `['SUPER_ADMIN']`. */
  roles?: string[];
}

export function addGroup(
  state: OrgState,
  name: string,
  options: Partial<Pick<GroupRecord, 'description' | 'type'>> = {},
): GroupRecord {
  const existing = [...state.groups.values()].find((group) => group.name === name);
  if (existing) return existing;
  const now = nowIso();
  const group: GroupRecord = {
    id: oktaId('00g'),
    name,
    description: options.description ?? '',
    type: options.type ?? 'OKTA_GROUP',
    created: now,
    lastUpdated: now,
    lastMembershipUpdated: now,
    members: new Set(),
  };
  state.groups.set(group.id, group);
  return group;
}

export function addApp(state: OrgState, clientId: string, name = clientId): AppRecord {
  const app = state.apps.get(clientId) ?? { clientId, name };
  state.apps.set(clientId, app);
  return app;
}

/** Adds a user with the sessions, factors, grants, tokens and groups the seed names. */
export function addUser(state: OrgState, seed: UserSeed): UserRecord {
  const now = nowIso();
  const [local = seed.login] = seed.login.split('@');
  const status = seed.status ?? 'ACTIVE';
  const user: UserRecord = {
    id: oktaId('00u'),
    status,
    profile: {
      login: seed.login,
      email: seed.login,
      firstName: seed.firstName ?? local.charAt(0).toUpperCase() + local.slice(1),
      lastName: seed.lastName ?? 'Example',
    },
    created: now,
    activated: status === 'STAGED' ? null : now,
    statusChanged: now,
    lastLogin: seed.sessions ? now : null,
    lastUpdated: now,
    passwordChanged: now,
    password: randomSecret(16),
  };
  state.users.set(user.id, user);
  for (let index = 0; index < (seed.sessions ?? 0); index += 1) {
    const id = oktaId('102');
    state.sessions.set(id, { id, userId: user.id, created: now, ipAddress: '10.0.0.10' });
  }
  for (const factorType of seed.factors ?? []) {
    const id = oktaId(factorType === 'sms' ? 'mbl' : 'uft');
    const provider = factorType === 'token:software:totp' ? 'GOOGLE' : 'OKTA';
    state.factors.set(id, {
      id,
      userId: user.id,
      factorType,
      provider,
      status: 'ACTIVE',
      created: now,
      lastUpdated: now,
    });
  }
  for (const clientId of seed.apps ?? []) {
    addApp(state, clientId);
    const grant = {
      id: oktaId('oag'),
      userId: user.id,
      clientId,
      scopeId: 'okta.users.read.self',
      issuer: state.issuer(),
      source: 'END_USER' as const,
      created: now,
    };
    state.grants.set(grant.id, grant);
    const expiresAt = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const token = {
      id: oktaId('oar'),
      userId: user.id,
      clientId,
      scopes: ['openid', 'offline_access'],
      issuer: state.issuer(),
      created: now,
      expiresAt,
    };
    state.refreshTokens.set(token.id, token);
  }
  for (const name of seed.groups ?? []) addGroup(state, name).members.add(user.id);
  if (seed.roles?.length) state.adminRoles.set(user.id, [...seed.roles]);
  return user;
}

export interface ZoneSeed {
  name: string;
  usage?: ZoneRecord['usage'];
  gateways?: string[];
  system?: boolean;
  status?: ZoneRecord['status'];
}

export function addZone(state: OrgState, seed: ZoneSeed): ZoneRecord {
  const now = nowIso();
  const zone: ZoneRecord = {
    id: oktaId('nzo'),
    name: seed.name,
    type: 'IP',
    usage: seed.usage ?? 'BLOCKLIST',
    status: seed.status ?? 'ACTIVE',
    system: seed.system ?? false,
    gateways: (seed.gateways ?? []).map((value) => ({ type: value.includes('-') ? 'RANGE' : 'CIDR', value })),
    proxies: null,
    created: now,
    lastUpdated: now,
  };
  state.zones.set(zone.id, zone);
  return zone;
}

export interface SignInSeed {
  login: string;
  ipAddress: string;
  userAgent?: string;
  published?: string;
  outcome?: 'SUCCESS' | 'FAILURE';
  city?: string;
  country?: string;
}

/** A `user.session.start` event as Okta logs a sign-in: the user is the actor, the client has the IP and agent. */
export function addSignIn(state: OrgState, seed: SignInSeed): void {
  const user = state.findUser(seed.login);
  state.appendLog({
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    published: seed.published ?? nowIso(),
    actor: {
      id: user?.id ?? oktaId('00u'),
      type: 'User',
      alternateId: seed.login,
      displayName: seed.login,
      detailEntry: {},
    },
    client: {
      ipAddress: seed.ipAddress,
      userAgent: {
        rawUserAgent: seed.userAgent ?? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)',
        os: 'Mac OS X',
        browser: 'CHROME',
      },
      zone: 'null',
      device: 'Computer',
      geographicalContext: { city: seed.city ?? 'Unknown', country: seed.country ?? 'Unknown' },
    },
    outcome: { result: seed.outcome ?? 'SUCCESS' },
    authenticationContext: { externalSessionId: randomUUID(), authenticationStep: 0 },
    request: { ipChain: [{ ip: seed.ipAddress, version: seed.ipAddress.includes(':') ? 'V6' : 'V4' }] },
  });
}

export const SEEDS = ['empty', 'demo'] as const;
export type SeedName = (typeof SEEDS)[number];

/** Attacker infrastructure of the demo campaign (documentation address ranges, RFC 5737). */
export const DEMO_INDICATORS = { ips: ['203.0.113.7', '203.0.113.9'], userAgent: 'python-requests/2.31' } as const;

/** A small org in the middle of a smishing campaign: two employees signed in from the attacker's addresses. */
export function seedDemo(state: OrgState): void {
  addGroup(state, 'Everyone', { type: 'BUILT_IN', description: 'All users in your organization' });
  addGroup(state, 'Quarantine', { description: 'Users under investigation: no app access' });
  const victims = ['alice@example.com', 'bob@example.com'];
  for (const login of victims) {
    addUser(state, {
      login,
      sessions: 2,
      factors: ['token:software:totp', 'sms'],
      apps: ['0oaslack', '0oagithub'],
      groups: ['Everyone', 'Engineering'],
    });
  }
  addUser(state, { login: 'carol@example.com', sessions: 1, factors: ['push'], groups: ['Everyone'] });
  addUser(state, { login: 'dave@example.com', status: 'SUSPENDED', groups: ['Everyone'] });
  addApp(state, '0oaslack', 'Slack');
  addApp(state, '0oagithub', 'GitHub');
  addZone(state, { name: 'BlockedIpZone', system: true, gateways: ['198.51.100.0/24'] });
  addZone(state, { name: 'Corporate VPN', usage: 'POLICY', gateways: ['192.0.2.0/24'] });
  const hourAgo = Date.now() - 3_600_000;
  const at = (minutes: number) => new Date(hourAgo + minutes * 60_000).toISOString();
  addSignIn(state, { login: 'carol@example.com', ipAddress: '192.0.2.44', published: at(1) });
  addSignIn(state, {
    login: 'alice@example.com',
    ipAddress: DEMO_INDICATORS.ips[0],
    userAgent: DEMO_INDICATORS.userAgent,
    published: at(12),
  });
  addSignIn(state, {
    login: 'bob@example.com',
    ipAddress: DEMO_INDICATORS.ips[1],
    userAgent: DEMO_INDICATORS.userAgent,
    published: at(14),
  });
  addSignIn(state, {
    login: 'alice@example.com',
    ipAddress: DEMO_INDICATORS.ips[1],
    userAgent: DEMO_INDICATORS.userAgent,
    published: at(20),
  });
}
