/**
 * The JSON shapes of Okta's management API for the resources the stand-in keeps, checked against Okta's OpenAPI
 * description by the conformance test. Fields Okta documents as non-null are left out rather than sent as null.
 */
import type {
  AppRecord,
  FactorRecord,
  GrantRecord,
  GroupRecord,
  RefreshTokenRecord,
  UserRecord,
  ZoneRecord,
} from './state';

const href = (url: string) => ({ href: url });
/** A link whose `hints.allow` lists the methods Okta accepts on it. */
const allowing = (url: string, ...methods: string[]) => ({ ...href(url), hints: { allow: methods } });
/** A lifecycle link (`…/lifecycle/suspend`), which Okta marks with the method to call it by. */
const lifecycle = (self: string, operation: string) => ({ ...href(`${self}/lifecycle/${operation}`), method: 'POST' });

export function userJson(user: UserRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/users/${user.id}`;
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: user.activated,
    statusChanged: user.statusChanged,
    lastLogin: user.lastLogin,
    lastUpdated: user.lastUpdated,
    passwordChanged: user.passwordChanged,
    type: { id: 'oty1defaultusertype0' },
    profile: { ...user.profile },
    credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
    _links: {
      self: href(self),
      ...(user.status === 'ACTIVE' ? { suspend: lifecycle(self, 'suspend') } : {}),
      ...(user.status === 'SUSPENDED' ? { unsuspend: lifecycle(self, 'unsuspend') } : {}),
    },
  };
}

export function groupJson(group: GroupRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: { self: href(self), users: href(`${self}/users`), apps: href(`${self}/apps`) },
  };
}

export function factorJson(factor: FactorRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/users/${factor.userId}/factors/${factor.id}`;
  const profile =
    factor.factorType === 'sms'
      ? { phoneNumber: '+15555550100' }
      : factor.factorType === 'email'
        ? { email: 'user@example.com' }
        : { credentialId: factor.userId };
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    status: factor.status,
    created: factor.created,
    lastUpdated: factor.lastUpdated,
    profile,
    _links: { self: allowing(self, 'GET', 'DELETE') },
  };
}

export function grantJson(grant: GrantRecord, baseUrl: string): Record<string, unknown> {
  return {
    id: grant.id,
    status: 'ACTIVE',
    created: grant.created,
    lastUpdated: grant.created,
    issuer: grant.issuer,
    clientId: grant.clientId,
    userId: grant.userId,
    scopeId: grant.scopeId,
    source: grant.source,
    _links: { self: href(`${baseUrl}/api/v1/users/${grant.userId}/grants/${grant.id}`) },
  };
}

export function appJson(app: AppRecord, userId: string, baseUrl: string): Record<string, unknown> {
  const base = `${baseUrl}/api/v1/users/${userId}/clients/${app.clientId}`;
  return {
    client_id: app.clientId,
    client_name: app.name,
    client_uri: `https://apps.example.com/${app.clientId}`,
    logo_uri: `https://apps.example.com/${app.clientId}/logo.png`,
    _links: {
      self: href(`${baseUrl}/oauth2/v1/clients/${app.clientId}`),
      grants: href(`${base}/grants`),
      tokens: href(`${base}/tokens`),
    },
  };
}

export function refreshTokenJson(token: RefreshTokenRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/users/${token.userId}/clients/${token.clientId}/tokens/${token.id}`;
  return {
    id: token.id,
    status: 'ACTIVE',
    created: token.created,
    lastUpdated: token.created,
    expiresAt: token.expiresAt,
    issuer: token.issuer,
    clientId: token.clientId,
    userId: token.userId,
    scopes: token.scopes,
    _links: { self: href(self), revoke: allowing(self, 'DELETE') },
  };
}

export function zoneJson(zone: ZoneRecord, baseUrl: string): Record<string, unknown> {
  const self = `${baseUrl}/api/v1/zones/${zone.id}`;
  return {
    id: zone.id,
    type: zone.type,
    name: zone.name,
    status: zone.status,
    usage: zone.usage,
    system: zone.system,
    created: zone.created,
    lastUpdated: zone.lastUpdated,
    gateways: zone.gateways.map((address) => ({ ...address })),
    proxies: zone.proxies ? zone.proxies.map((address) => ({ ...address })) : null,
    _links: {
      self: allowing(self, 'GET', 'PUT', 'DELETE'),
      deactivate: allowing(`${self}/lifecycle/deactivate`, 'POST'),
    },
  };
}
