import { describe, expect, it } from 'vitest';
import { createStaticDirectory } from '../../activities/notify/static-directory';
import { mayRun } from '../../slack/permissions';

const directory = createStaticDirectory({ oncall: ['U0BOB'] });
const permissions = {
  'okta-account-compromise': { users: ['U0ALICE'], groups: ['oncall'] },
  '*': { users: ['U0LEAD'], groups: [] },
};

describe('run permissions', () => {
  it('let anyone run when none are configured', async () => {
    expect(await mayRun(undefined, 'anything', 'U0ANY', directory)).toEqual({ allowed: true });
  });

  it('allow listed users and members of listed groups, by the playbook’s own entry before *', async () => {
    expect(await mayRun(permissions, 'okta-account-compromise', 'U0ALICE', directory)).toEqual({ allowed: true });
    expect(await mayRun(permissions, 'okta-account-compromise', 'U0BOB', directory)).toEqual({ allowed: true });
    expect(await mayRun(permissions, 'okta-account-compromise', 'U0LEAD', directory)).toMatchObject({ allowed: false });
    expect(await mayRun(permissions, 'domain-takedown', 'U0LEAD', directory)).toEqual({ allowed: true });
  });

  it('refuse everyone else, saying who may', async () => {
    const check = await mayRun(permissions, 'okta-account-compromise', 'U0MALLORY', directory);
    expect(check).toEqual({
      allowed: false,
      reason: 'you may not run okta-account-compromise; it is open to <@U0ALICE>, members of @oncall',
    });
  });

  it('refuse a playbook with no entry and no *, and a group that cannot be resolved counts as no match', async () => {
    const warnings: string[] = [];
    const only = { pb: { users: [], groups: ['missing'] } };
    expect(await mayRun(only, 'other', 'U0ALICE', directory)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/no permission entry/),
    });
    expect(await mayRun(only, 'pb', 'U0ALICE', directory, (line) => warnings.push(line))).toMatchObject({
      allowed: false,
    });
    expect(warnings.join()).toMatch(/missing/);
  });
});
