/** Approver groups from the configuration (`CORDON_GROUPS`), for when no Slack workspace resolves them. */
import { ActionError, FAILURE_TYPES } from '../errors';
import type { Directory } from '../run-services';

export function createStaticDirectory(groups: Record<string, string[]>): Directory {
  return {
    membersOf: async (group) => {
      const members = groups[group];
      if (!members) {
        throw new ActionError(
          FAILURE_TYPES.notFound,
          `approver group "${group}" is not configured (known: ${Object.keys(groups).join(', ') || 'none'}; set CORDON_GROUPS)`,
        );
      }
      return members;
    },
  };
}
