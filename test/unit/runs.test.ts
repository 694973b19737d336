import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import { dedupeKey, subjectOf, workflowIdFor } from '../../runs/workflow-id';

const plan = compilePlaybookSource(
  `
id: ids
title: Ids
inputs:
  login: { type: email }
  note: { type: string, default: "" }
subject: "\${{ inputs.login }}"
dedupe: "\${{ inputs.login }}"
steps:
  - id: log
    action: core.log
    with: { message: hi }
`,
  'ids.yaml',
  builtinRegistry,
);

describe('workflow ids', () => {
  it('are deterministic from the playbook and the dedupe key, case-folded and safe', () => {
    expect(workflowIdFor(plan, dedupeKey(plan, { login: 'Jane.Doe@Corp.example', note: 'x' }))).toBe(
      'cordon/ids/jane.doe@corp.example',
    );
    expect(dedupeKey(plan, { login: 'a b/c@x.example' })).toBe('a_b_c@x.example');
  });

  it('fall back to a hash of all inputs without a dedupe template, after the subject when there is one', () => {
    const { dedupe: _dedupe, ...withoutDedupe } = plan;
    const key = dedupeKey(withoutDedupe, { login: 'a@x.example', note: '' });
    expect(key).toMatch(/^a@x\.example-[0-9a-f]{16}$/);
    const { subject: _subject, ...withoutSubject } = withoutDedupe;
    expect(dedupeKey(withoutSubject, { login: 'a@x.example', note: '' })).toMatch(/^[0-9a-f]{16}$/);
    expect(dedupeKey(withoutDedupe, { note: '', login: 'a@x.example' })).toBe(key);
    expect(dedupeKey(withoutDedupe, { login: 'b@x.example', note: '' })).not.toBe(key);
  });

  it('name the subject of a run', () => {
    expect(subjectOf(plan, { login: 'jane@corp.example' })).toBe('jane@corp.example');
  });
});
