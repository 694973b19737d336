/**
 * A change the handler would refuse is described as refused, with the handler's reason: in an approval's effect plan,
 * and in what is left of a step some of whose items are refused.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAction } from '../../activities/action';
import { withRefusals, type EffectMap } from '../../activities/effect';
import { createEffectServices } from '../../activities/effect-services';
import { ActionError, FAILURE_TYPES } from '../../activities/errors';
import { ActionRegistry } from '../../activities/registry';

const suspend = defineAction({
  name: 'test.suspend',
  description: 'Suspends a user (a test action).',
  impact: 'destructive',
  input: z.object({ userId: z.string() }),
  output: z.object({}),
});

function servicesThrowing(error: Error) {
  const effects: EffectMap = {
    'test.suspend': async () => {
      throw error;
    },
  };
  return createEffectServices(new ActionRegistry([suspend]), effects);
}

describe('effects the handler would refuse', () => {
  it('are shown to the approvers as refused, with the reason, rather than as unknown', async () => {
    const refusal = new ActionError(
      FAILURE_TYPES.protectedPrincipal,
      'test.suspend refused: root@example.com is protected',
    );
    const [shown] = await servicesThrowing(refusal)['cordon.describe_effects']({
      steps: [{ stepId: 'suspend', action: 'test.suspend', inputs: [{ userId: 'root' }] }],
    });
    expect(shown).toEqual({
      stepId: 'suspend',
      summary: 'refused: test.suspend refused: root@example.com is protected',
      changes: [],
    });

    const outage = new ActionError(FAILURE_TYPES.unavailable, 'Okta answered 503');
    const [unknown] = await servicesThrowing(outage)['cordon.describe_effects']({
      steps: [{ stepId: 'suspend', action: 'test.suspend', inputs: [{ userId: 'root' }] }],
    });
    expect(unknown?.summary).toBe('effect unknown: Okta answered 503');
  });

  it('are listed after what is described of the rest, and kept apart', () => {
    const effect = { summary: 'suspend 1 account: a@example.com (ACTIVE → SUSPENDED)', changes: [] };
    expect(withRefusals(effect, [])).toBe(effect);
    expect(withRefusals(effect, ['root@example.com is protected'])).toEqual({
      summary: 'suspend 1 account: a@example.com (ACTIVE → SUSPENDED); refused: root@example.com is protected',
      changes: [],
      refused: ['root@example.com is protected'],
    });
  });
});
