import { describe, expect, it } from 'vitest';
import { checkPlaybookSource, compilePlaybookSource } from '../../dsl';
import { testRegistry } from '../fixtures/playbooks/test-actions';

/** A gate on `first` (lines 6-12) and the steps a test adds from line 13 on. */
function source(covers: string, ...lines: string[]): string {
  return [
    'id: t',
    'title: T',
    'inputs:',
    '  login: { type: email }',
    'steps:',
    '  - id: user',
    '    action: test.get_user',
    "    with: { login: '${{ inputs.login }}' }",
    '  - id: first',
    '    action: test.suspend_user',
    '    needs: [user]',
    "    with: { userId: '${{ steps.user.output.id }}' }",
    `    approval: { approvers: { users: [alice] }, covers: ${covers} }`,
    ...lines,
  ].join('\n');
}

function issues(text: string): string[] {
  return checkPlaybookSource(text, 't.yaml', testRegistry).issues.map(
    (issue) => `${issue.line}:${issue.column} ${issue.message}`,
  );
}

const later = [
  '  - id: later',
  '    action: test.suspend_user',
  '    needs: [first]',
  "    with: { userId: '${{ steps.user.output.id }}' }",
];

describe('approval.covers', () => {
  it('lets one approval cover a later destructive step, and compiles the link both ways', () => {
    const text = source('[later]', ...later);
    expect(issues(text)).toEqual([]);
    const plan = compilePlaybookSource(text, 't.yaml', testRegistry);
    expect(plan.steps.find((step) => step.id === 'first')?.approval?.covers).toEqual(['later']);
    expect(plan.steps.find((step) => step.id === 'later')?.coveredBy).toBe('first');
  });

  it('lets a covered step start beside the gated one, and compiles that plan for interpreter 2', () => {
    const beside = [
      '  - id: later',
      '    action: test.suspend_user',
      '    needs: [user]',
      "    with: { userId: '${{ steps.user.output.id }}' }",
    ];
    const text = source('[later]', ...beside);
    expect(issues(text)).toEqual([]);
    const plan = compilePlaybookSource(text, 't.yaml', testRegistry);
    expect(plan.interpreter).toBe(2);
    expect(plan.steps.find((step) => step.id === 'later')?.coveredBy).toBe('first');
    // A covered step after its gate runs on every worker: its plan stays at interpreter 1.
    expect(compilePlaybookSource(source('[later]', ...later), 't.yaml', testRegistry).interpreter).toBe(1);
  });

  it('refuses to cover a step the gated one needs: each would wait for the other', () => {
    const earlier = [
      '  - id: earlier',
      '    action: test.suspend_user',
      '    needs: [user]',
      "    with: { userId: '${{ steps.user.output.id }}' }",
    ];
    const text = source('[earlier]', ...earlier).replace(
      '    needs: [user]\n    with',
      '    needs: [earlier]\n    with',
    );
    expect(issues(text)).toEqual([
      '13:57 step "first": approval.covers: step "earlier" cannot be covered by "first", which needs it',
      '15:13 step "earlier": test.suspend_user is destructive and needs an approval gate (or an explicit unattended policy)',
    ]);
  });

  it('refuses a covered step whose inputs are not known when the approval is requested', () => {
    const text = source(
      '[later]',
      '  - id: later',
      '    action: test.suspend_user',
      '    needs: [first]',
      "    with: { userId: '${{ steps.first.output.id }}' }",
    );
    expect(issues(text)).toEqual([
      expect.stringMatching(
        /^17:11 step "later": with reads steps\.first, which is not known when the approval of "first"/,
      ),
    ]);
  });

  it('refuses an unknown step and a covered step with its own gate', () => {
    expect(issues(source('[nope]'))).toEqual(['13:57 step "first": approval.covers: there is no step "nope"']);
    const text = source('[later]', ...later, '    approval: { approvers: { users: [bob] } }');
    expect(issues(text)).toEqual(['13:57 step "first": approval.covers: step "later" has its own approval']);
  });
});
