/**
 * Effect descriptions of the takedown actions. A report goes to whom its input names (`takedown.find_contacts`'s
 * recipients, bound by the approval), so the effect is read from the input itself; without recipients, RDAP decides
 * at run time, and the description says so rather than guess.
 */
import type { ActionEffects } from '../effect';
import { count, listed } from '../effect';
import type { takedownActions } from './specs';

function recipients(targets: ReadonlyArray<{ provider: string; to: string }>): string[] {
  return targets.map((target) => `${target.provider}:${target.to}`);
}

export const takedownEffects: ActionEffects<typeof takedownActions> = {
  'takedown.request': async (inputs) => {
    const parts = inputs.map((input) =>
      input.recipients
        ? `report ${input.domain} to ${count(input.recipients.length, 'recipient')}: ${listed(recipients(input.recipients))}`
        : `report ${input.domain} to the abuse contacts RDAP names then, and to ${input.providers ? `providers ${input.providers.join(', ')}` : 'every configured provider'}`,
    );
    return {
      summary: parts.join('; '),
      changes: inputs.flatMap((input) =>
        input.recipients
          ? recipients(input.recipients).map((to) => ({
              service: 'takedown',
              operation: 'report',
              target: `${input.domain} ${to}`,
            }))
          : [{ service: 'takedown', operation: 'report', target: input.domain }],
      ),
    };
  },
  'takedown.remind': async (inputs) => ({
    summary: inputs
      .map(
        (input) =>
          `remind ${count(input.reportedTo.length, 'recipient')} that ${input.domain} is still up (reminder ${input.reminder})`,
      )
      .join('; '),
    changes: inputs.flatMap((input) =>
      recipients(input.reportedTo).map((to) => ({
        service: 'takedown',
        operation: 'remind',
        target: `${input.domain} ${to}`,
      })),
    ),
  }),
  'takedown.escalate': async (inputs) => ({
    summary: inputs.map((input) => `report ${input.domain} to the next configured provider not yet used`).join('; '),
    changes: inputs.map((input) => ({ service: 'takedown', operation: 'escalate', target: input.domain })),
  }),
  'takedown.monitor': async (inputs) => ({
    summary: inputs
      .map((input) => `follow ${input.domain} until it is down, reminding and escalating while it stays up`)
      .join('; '),
    changes: inputs.map((input) => ({ service: 'takedown', operation: 'monitor', target: input.domain })),
  }),
};
