/** A user's lifecycle: `okta.suspend_user`, its undo `okta.unsuspend_user`, and `okta.deactivate_user`. */
import { z } from 'zod';
import { defineAction } from '../action';
import { onlyIf, userChange, userRef } from './schemas';

export const oktaUnsuspendUser = defineAction({
  name: 'okta.unsuspend_user',
  description: 'Unsuspend a suspended Okta user (the undo of okta.suspend_user).',
  impact: 'reversible',
  input: z.object({
    userId: userRef,
    onlyIf,
    ifStatus: z
      .string()
      .optional()
      .describe(
        'Unsuspend only while the user is still in this status (what the suspension left); otherwise change nothing and say why in leftAlone.',
      ),
  }),
  output: userChange,
});

export const oktaSuspendUser = defineAction({
  name: 'okta.suspend_user',
  description: 'Suspend an active Okta user: they cannot sign in until unsuspended; groups and apps are kept.',
  impact: 'destructive',
  input: z.object({ userId: userRef }),
  output: userChange,
  undo: {
    action: 'okta.unsuspend_user',
    with: { userId: '${{ output.userId }}', onlyIf: '${{ output.changed }}', ifStatus: '${{ output.status }}' },
  },
});

export const oktaDeactivateUser = defineAction({
  name: 'okta.deactivate_user',
  description: 'Deactivate (deprovision) an Okta user: removed from every app; cannot be undone by cordon.',
  impact: 'destructive',
  input: z.object({
    userId: userRef,
    sendEmail: z.boolean().default(false).describe("Send Okta's deactivation e-mail to the admin."),
  }),
  output: userChange,
});
