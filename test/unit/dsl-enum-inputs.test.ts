/**
 * Inputs with a fixed set of values (`type: enum`, or `of: enum` for a list, with `values`), and inputs that feed an
 * action field restricted to a set of values: both are checked before anything starts, not after the approval.
 */
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { checkPlaybookSource, compilePlaybookSource, InputError, loadPlan, validateRunInputs } from '../../dsl';

const HEADER = ['id: t', 'title: T', 'inputs:', '  domain: { type: domain }'];
const STEP = [
  'steps:',
  '  - id: takedown',
  '    action: takedown.request',
  "    with: { domain: '${{ inputs.domain }}', providers: '${{ inputs.providers }}' }",
  '    approval: { approvers: { groups: [secops] } }',
];

function issues(...inputLines: string[]): string[] {
  const source = [...HEADER, ...inputLines, ...STEP].join('\n') + '\n';
  return checkPlaybookSource(source, 't.yaml', builtinRegistry).issues.map(
    (issue) => `${issue.line}:${issue.column} ${issue.message}`,
  );
}

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

describe('enum inputs', () => {
  it('refuses providers=emial for the shipped takedown playbook before the run starts, suggesting email', () => {
    const file = 'playbooks/phishing-domain-takedown.yaml';
    const plan = loadPlan(file, builtinRegistry);
    expect(problems(() => validateRunInputs(plan, { domains: 'twilio-okta.com', providers: 'emial' }))).toEqual([
      'input "providers": item 1: "emial" is not one of email, netcraft, cloudflare (did you mean "email"?)',
    ]);
    expect(validateRunInputs(plan, { domains: 'twilio-okta.com', providers: 'email, cloudflare' })).toMatchObject({
      providers: ['email', 'cloudflare'],
    });
  });

  it('takes a scalar enum and refuses a value outside it', () => {
    const source = [
      'id: t',
      'title: T',
      'inputs:',
      '  severity: { type: enum, values: [low, high] }',
      'steps:',
      '  - id: log',
      '    action: core.log',
      "    with: { message: '${{ inputs.severity }}' }",
    ].join('\n');
    const plan = compilePlaybookSource(source, 't.yaml', builtinRegistry);
    expect(plan.inputs.severity).toMatchObject({ type: 'enum', values: ['low', 'high'] });
    expect(validateRunInputs(plan, { severity: 'high' })).toEqual({ severity: 'high' });
    expect(problems(() => validateRunInputs(plan, { severity: 'hihg' }))).toEqual([
      'input "severity": "hihg" is not one of low, high (did you mean "high"?)',
    ]);
  });

  it('accepts a list input of enum values that the action takes', () => {
    expect(issues('  providers: { type: list, of: enum, values: [email, netcraft], default: [email] }')).toEqual([]);
  });

  it('refuses an enum without values, values without enum, and a default outside the values', () => {
    expect(
      issues(
        '  providers: { type: list, of: enum, default: [email] }',
        '  mode: { type: string, values: [a, b], default: a }',
        '  other: { type: enum, values: [a, b], default: c }',
      ),
    ).toEqual([
      '5:3 input "providers": an enum needs values: [...]',
      '6:25 input "mode": values is only for type enum or of: enum',
      '7:49 input "other": default "c" is not one of a, b',
    ]);
  });

  it('refuses a list input of plain strings that feeds a field the action restricts to some values', () => {
    expect(issues('  providers: { type: list, of: string, default: [email] }')).toEqual([
      '9:56 step "takedown": with.providers: input "providers" is a list of string, but takedown.request takes only ' +
        'email, netcraft, cloudflare there: declare it { type: list, of: enum, values: [email, netcraft, cloudflare] }',
    ]);
  });

  it('refuses enum values that the action does not take', () => {
    expect(issues('  providers: { type: list, of: enum, values: [email, phishtank], default: [email] }')).toEqual([
      '9:56 step "takedown": with.providers: input "providers" allows phishtank, which takedown.request does not take ' +
        '(it takes email, netcraft, cloudflare)',
    ]);
  });
});
