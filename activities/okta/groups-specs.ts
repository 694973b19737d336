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

/**
 * A membership action: each is the other's undo, which changes the membership back only while it is still what this
 * one left (`ifMember`) and only when this one changed it (`onlyIf`).
 */
function membershipAction<const Name extends string>(
  name: Name,
  description: string,
  undo: { action: string; ifMember: boolean },
) {
  return defineAction({
    name,
    description,
    impact: 'reversible',
    input: groupInput.extend({ onlyIf }),
    output: groupChange,
    undo: {
      action: undo.action,
      with: {
        userId: '${{ output.userId }}',
        group: '${{ output.groupId }}',
        onlyIf: '${{ output.changed }}',
        ifMember: undo.ifMember ? '${{ true }}' : '${{ false }}',
      },
    },
  });
}

export const oktaRemoveFromGroup = membershipAction(
  'okta.remove_from_group',
  'Remove a user from an Okta group (the undo of okta.add_to_group).',
  { action: 'okta.add_to_group', ifMember: false },
);

export const oktaAddToGroup = membershipAction(
  'okta.add_to_group',
  'Add a user to an Okta group, e.g. a quarantine group whose policies deny app access.',
  { action: 'okta.remove_from_group', ifMember: true },
);
