/** Group membership: `okta.add_to_group` (e.g. a quarantine group) and its undo `okta.remove_from_group`. */
import { z } from 'zod';
import { defineAction } from '../action';
import { groupChange, onlyIf, userRef } from './schemas';

const groupInput = z.object({
  userId: userRef,
  group: z.string().trim().min(1).describe('The group: its id (00g…) or exact name, e.g. Quarantine.'),
  ifMember: z
    .boolean()
    .optional()
    .describe(
      'Change only while the membership is still this (what the step being undone left); otherwise change nothing and say why in leftAlone.',
    ),
});

export const oktaRemoveFromGroup = defineAction({
  name: 'okta.remove_from_group',
  description: 'Remove a user from an Okta group (the undo of okta.add_to_group).',
  impact: 'reversible',
  input: groupInput.extend({ onlyIf }),
  output: groupChange,
  undo: {
    action: 'okta.add_to_group',
    with: {
      userId: '${{ output.userId }}',
      group: '${{ output.groupId }}',
      onlyIf: '${{ output.changed }}',
      ifMember: '${{ false }}',
    },
  },
});

export const oktaAddToGroup = defineAction({
  name: 'okta.add_to_group',
  description: 'Add a user to an Okta group, e.g. a quarantine group whose policies deny app access.',
  impact: 'reversible',
  input: groupInput.extend({ onlyIf }),
  output: groupChange,
  undo: {
    action: 'okta.remove_from_group',
    with: {
      userId: '${{ output.userId }}',
      group: '${{ output.groupId }}',
      onlyIf: '${{ output.changed }}',
      ifMember: '${{ true }}',
    },
  },
});
