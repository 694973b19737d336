/**
 * Approver groups, pinned: a Slack user group id (`S…`) in a playbook resolves through Slack; a group name resolves
 * only through configuration, either pinned to a Slack user group id (`groups.NAME.slackGroup` in the people
 * directory) or as listed members (there, or in `CORDON_GROUPS`). A name is never looked up as a Slack handle: anyone
 * in the workspace can create a user group with a handle nobody claimed, and so make themselves approvers.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../activities/errors';
import type { Directory } from '../activities/run-services';
import type { ConfiguredGroup } from './directory';

const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;

function notFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FAILURE_TYPES.notFound, message, nonRetryable: true });
}

export interface ApproverGroupsOptions {
  /** Groups of the configuration: the people directory's, then `CORDON_GROUPS` (as members). */
  configured: Readonly<Record<string, ConfiguredGroup>>;
  /** Slack user groups by id, when Slack is configured. */
  slack?: Directory;
}

/** Merges the people directory's groups and `CORDON_GROUPS`; the directory wins on a name both define. */
export function configuredGroups(
  directoryGroups: Readonly<Record<string, ConfiguredGroup>>,
  cordonGroups: Readonly<Record<string, string[]>>,
): Record<string, ConfiguredGroup> {
  const fromEnv = Object.fromEntries(Object.entries(cordonGroups).map(([name, members]) => [name, { members }]));
  return { ...fromEnv, ...directoryGroups };
}

export function createApproverGroups(options: ApproverGroupsOptions): Directory {
  const viaSlack = async (id: string, group: string): Promise<string[]> => {
    if (!options.slack) {
      throw notFound(`approver group "${group}" is the Slack user group ${id}, but Slack is not configured`);
    }
    return options.slack.membersOf(id);
  };
  return {
    membersOf: async (group) => {
      const name = group.replace(/^@/, '');
      if (SLACK_GROUP_ID.test(name)) return viaSlack(name, group);
      const entry = options.configured[name];
      if (!entry) {
        const known = Object.keys(options.configured);
        throw notFound(
          `approver group "${group}" is not configured (known: ${known.join(', ') || 'none'}): pin it to a Slack user group id (groups.${name}.slackGroup in the people directory) or list its members; a Slack handle alone names no approvers`,
        );
      }
      return 'slackGroup' in entry ? viaSlack(entry.slackGroup, group) : entry.members;
    },
  };
}
