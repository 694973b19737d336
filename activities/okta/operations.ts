/**
 * The Okta operations the actions call, with the OAuth scope each needs (from Okta's OpenAPI description), so a 403
 * can name the missing permission.
 */
export const OKTA_OPERATIONS = {
  getUser: { scope: 'okta.users.read' },
  listUsers: { scope: 'okta.users.read' },
  listUserGroups: { scope: 'okta.users.read' },
  suspendUser: { scope: 'okta.users.manage' },
  unsuspendUser: { scope: 'okta.users.manage' },
  deactivateUser: { scope: 'okta.users.manage' },
  revokeUserSessions: { scope: 'okta.users.manage' },
  listUserGrants: { scope: 'okta.users.read' },
  revokeUserGrants: { scope: 'okta.users.manage' },
  listUserClients: { scope: 'okta.users.read' },
  listRefreshTokensForUserAndClient: { scope: 'okta.users.read' },
  revokeTokensForUserAndClient: { scope: 'okta.users.manage' },
  generateResetPasswordToken: { scope: 'okta.users.manage' },
  expirePassword: { scope: 'okta.users.manage' },
  expirePasswordAndGetTemporaryPassword: { scope: 'okta.users.manage' },
  listFactors: { scope: 'okta.users.read' },
  resetFactors: { scope: 'okta.users.manage' },
  listGroups: { scope: 'okta.groups.read' },
  getGroup: { scope: 'okta.groups.read' },
  assignUserToGroup: { scope: 'okta.groups.manage' },
  unassignUserFromGroup: { scope: 'okta.groups.manage' },
  listNetworkZones: { scope: 'okta.networkZones.read' },
  getNetworkZone: { scope: 'okta.networkZones.read' },
  replaceNetworkZone: { scope: 'okta.networkZones.manage' },
  listLogEvents: { scope: 'okta.logs.read' },
  listGroupUsers: { scope: 'okta.groups.read' },
  getCurrentUser: { scope: 'okta.users.read.self' },
  listUsersWithRoleAssignments: { scope: 'okta.roles.read' },
  listAssignedRolesForUser: { scope: 'okta.roles.read' },
} as const satisfies Record<string, { scope: string }>;

export type OktaOperation = keyof typeof OKTA_OPERATIONS;
