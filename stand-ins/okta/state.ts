/**
 * The local Okta org's state: users, their sessions, factors, grants and tokens, groups, network zones and the System
 * Log, plus a record of every accepted write so a test can assert that something happened exactly once.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export const USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserRecord {
  id: string;
  status: UserStatus;
  profile: { login: string; email: string; firstName: string; lastName: string; mobilePhone?: string };
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  /** The current password, so a test can tell that a reset or a temporary password replaced the phished one. */
  password: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  created: string;
  ipAddress: string;
}

export interface FactorRecord {
  id: string;
  userId: string;
  factorType: 'token:software:totp' | 'sms' | 'push' | 'email';
  provider: 'GOOGLE' | 'OKTA';
  status: 'ACTIVE' | 'PENDING_ACTIVATION';
  created: string;
  lastUpdated: string;
}

/** An OAuth app users grant consent to (an OIN or custom app), not a credential of the management API. */
export interface AppRecord {
  clientId: string;
  name: string;
}

export interface GrantRecord {
  id: string;
  userId: string;
  clientId: string;
  scopeId: string;
  issuer: string;
  source: 'ADMIN' | 'END_USER';
  created: string;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  issuer: string;
  created: string;
  expiresAt: string;
}

export interface GroupRecord {
  id: string;
  name: string;
  description: string;
  type: 'OKTA_GROUP' | 'BUILT_IN';
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  members: Set<string>;
}

export interface ZoneAddress {
  type: 'CIDR' | 'RANGE';
  value: string;
}

export interface ZoneRecord {
  id: string;
  name: string;
  type: 'IP';
  usage: 'BLOCKLIST' | 'POLICY';
  status: 'ACTIVE' | 'INACTIVE';
  system: boolean;
  gateways: ZoneAddress[];
  proxies: ZoneAddress[] | null;
  created: string;
  lastUpdated: string;
}

/** One accepted write: `kind` is the Okta operation id (`suspendUser`, `replaceNetworkZone`, …). */
export interface Change {
  kind: string;
  target: string;
  at: string;
}

/** A message Okta would have e-mailed (reset links, notices): recorded instead of sent. */
export interface OutboxMessage {
  to: string;
  kind: 'reset_password' | 'deactivation_notice';
  at: string;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Okta ids are a three-character type prefix and 17 base62 characters (`00u1abc…`). */
export function oktaId(prefix: string): string {
  const bytes = randomBytes(17);
  return prefix + [...bytes].map((byte) => BASE62[byte % 62]).join('');
}

export function randomSecret(length = 12): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

export function nowIso(): string {
  return new Date().toISOString();
}

export class OrgState {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly factors = new Map<string, FactorRecord>();
  readonly apps = new Map<string, AppRecord>();
  readonly grants = new Map<string, GrantRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly zones = new Map<string, ZoneRecord>();
  /** Admin role types (`SUPER_ADMIN`, `ORG_ADMIN`, …) assigned directly to a user, by user id. */
  readonly adminRoles = new Map<string, string[]>();
  /** System Log events as Okta serialises them, in the order they were published. */
  readonly logs: Array<Record<string, unknown> & { uuid: string; published: string }> = [];
  readonly changes: Change[] = [];
  readonly outbox: OutboxMessage[] = [];
  /** Temporary passwords Okta handed out, by user id: only tests read them, to prove they leaked nowhere. */
  readonly temporaryPasswords = new Map<string, string>();
  /** Reset links returned to the caller (sendEmail=false), by user id. */
  readonly resetLinks = new Map<string, string>();
  /**
   * How many gateway entries an IP zone may hold: Okta's documented limits are 5000 for the default system zone, 1000
   * for IP blocklist zones and 150 for other admin-created IP zones. Tests may lower them.
   */
  readonly zoneGatewayLimits = { system: 5000, blocklist: 1000, policy: 150 };

  constructor(readonly issuer: () => string) {}

  recordChange(kind: string, target: string): void {
    this.changes.push({ kind, target, at: nowIso() });
  }

  /** Finds a user the way `GET /api/v1/users/{id}` does: by id, login, or login short name when unambiguous. */
  findUser(idOrLogin: string): UserRecord | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const wanted = idOrLogin.toLowerCase();
    const users = [...this.users.values()];
    const byLogin = users.find((user) => user.profile.login.toLowerCase() === wanted);
    if (byLogin) return byLogin;
    const byShortName = users.filter((user) => user.profile.login.toLowerCase().split('@')[0] === wanted);
    return byShortName.length === 1 ? byShortName[0] : undefined;
  }

  sessionsOf(userId: string): SessionRecord[] {
    return [...this.sessions.values()].filter((session) => session.userId === userId);
  }

  factorsOf(userId: string): FactorRecord[] {
    return [...this.factors.values()].filter((factor) => factor.userId === userId);
  }

  grantsOf(userId: string): GrantRecord[] {
    return [...this.grants.values()].filter((grant) => grant.userId === userId);
  }

  refreshTokensOf(userId: string, clientId?: string): RefreshTokenRecord[] {
    return [...this.refreshTokens.values()].filter(
      (token) => token.userId === userId && (clientId === undefined || token.clientId === clientId),
    );
  }

  groupsOf(userId: string): GroupRecord[] {
    return [...this.groups.values()].filter((group) => group.members.has(userId));
  }

  deleteWhere<T>(map: Map<string, T>, predicate: (value: T) => boolean): number {
    let removed = 0;
    for (const [key, value] of map) {
      if (predicate(value)) {
        map.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  /** Appends a System Log event, filling what Okta always fills. */
  appendLog(event: Record<string, unknown> & { eventType: string; published?: string }): void {
    const published = event.published ?? nowIso();
    const entry = {
      uuid: randomUUID(),
      version: '0',
      severity: 'INFO',
      legacyEventType: event.eventType,
      displayMessage: event.eventType,
      transaction: { type: 'WEB', id: randomSecret(20), detail: {} },
      debugContext: { debugData: {} },
      target: [],
      ...event,
      published,
    };
    // Kept sorted by time, so seeded history and live events page in the order Okta would return them.
    const index = this.logs.findIndex((existing) => existing.published > published);
    if (index === -1) this.logs.push(entry);
    else this.logs.splice(index, 0, entry);
  }
}
