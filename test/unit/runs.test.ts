import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import { InputError } from '../../dsl/inputs';
import { DedupeKey, DedupeKeyError, planDedupeKey, subjectOf, workflowIdFor } from '../../runs/workflow-id';

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
  const idOf = (login: unknown) => workflowIdFor(plan, planDedupeKey(plan, { login }));

  it('are deterministic from the playbook and the dedupe key, which they show as it is when it is safe', () => {
    expect(idOf('jane.doe@corp.example')).toBe('cordon/ids/jane.doe@corp.example');
    expect(idOf('Jane.Doe+x@Corp-1.example')).toBe('cordon/ids/jane.doe+x@corp-1.example');
    expect(planDedupeKey(plan, { login: 'jane.doe@corp.example', note: 'x' })).toEqual(
      planDedupeKey(plan, { login: 'jane.doe@corp.example', note: 'y' }),
    );
  });

  it('differ for keys that differ, even where a character cannot appear in a workflow id', () => {
    const colliding = [
      ['a/b@x.example', 'a_b@x.example'],
      ["o'brien@x.example", 'o_brien@x.example'],
      ['a b@x.example', 'a_b@x.example'],
      ['a/b@x.example', 'a b@x.example'],
      // The Kelvin sign lower-cases to k in Unicode: a look-alike must not join kate's run.
      ['\u212Aate@x.example', 'kate@x.example'],
    ];
    for (const [one, other] of colliding) {
      expect(idOf(one)).not.toBe(idOf(other));
    }
  });

  it('take keys that differ only in ASCII letter case as one, as logins and domains are', () => {
    expect(idOf('Alice@Example.com')).toBe(idOf('alice@example.com'));
    expect(idOf('A/B@x.example')).toBe(idOf('a/b@x.example'));
    expect(idOf('A/B@x.example')).not.toBe(idOf('a_b@x.example'));
    // The key as given is kept for people (the run's memo), the id is case-folded.
    expect(DedupeKey.of('Alice@Example.com').value).toBe('Alice@Example.com');
  });

  it('keep a readable form and add a hash of the exact key when the key holds characters an id cannot', () => {
    const key = DedupeKey.of('a/b@x.example');
    expect(key.value).toBe('a/b@x.example');
    expect(key.segment).toMatch(/^a_b@x\.example~[0-9a-f]{16}$/);
    // A key that looks like the hashed form of another is safe only without `~`, so it is hashed in turn.
    expect(DedupeKey.of(key.segment).segment).not.toBe(key.segment);
    expect(DedupeKey.of('${{ inputs.login }}').segment).toMatch(/^_inputs\.login_~[0-9a-f]{16}$/);
    expect(DedupeKey.of('Alert: X').segment).toMatch(/^alert_x~[0-9a-f]{16}$/);
  });

  it('tell a number from its text, and a list from its JSON text', () => {
    expect(DedupeKey.of(42).segment).not.toBe(DedupeKey.of('42').segment);
    expect(DedupeKey.of(['a', 'b']).segment).not.toBe(DedupeKey.of('["a","b"]').segment);
    expect(DedupeKey.of(['a', 'b']).value).toBe('["a","b"]');
    expect(DedupeKey.of(42).segment).toMatch(/^42~[0-9a-f]{16}$/);
  });

  it('bound long keys, still one id per key', () => {
    const long = 'y'.repeat(5000);
    const segment = DedupeKey.of(long).segment;
    expect(segment.length).toBe(200);
    expect(DedupeKey.of(`${long}z`).segment).not.toBe(segment);
    expect(DedupeKey.of('y'.repeat(200)).segment).toBe('y'.repeat(200));
    expect(DedupeKey.of('y'.repeat(201)).segment).toMatch(/~[0-9a-f]{16}$/);
  });

  it('refuse an empty key, naming the playbook and its template', () => {
    expect(() => DedupeKey.of('')).toThrow(DedupeKeyError);
    expect(() => planDedupeKey(plan, { login: '' })).toThrow(InputError);
    expect(() => planDedupeKey(plan, { login: '' })).toThrow(
      /invalid inputs for playbook ids:\n {2}dedupe \$\{\{ inputs.login \}\} is empty for these inputs/,
    );
  });

  it('fall back to a hash of all inputs without a dedupe template, after the subject when there is one', () => {
    const { dedupe: _dedupe, ...withoutDedupe } = plan;
    const key = planDedupeKey(withoutDedupe, { login: 'a@x.example', note: '' });
    expect(key.segment).toMatch(/^a@x\.example-[0-9a-f]{16}$/);
    const { subject: _subject, ...withoutSubject } = withoutDedupe;
    expect(planDedupeKey(withoutSubject, { login: 'a@x.example', note: '' }).segment).toMatch(/^[0-9a-f]{16}$/);
    expect(planDedupeKey(withoutDedupe, { note: '', login: 'a@x.example' })).toEqual(key);
    expect(planDedupeKey(withoutDedupe, { login: 'b@x.example', note: '' })).not.toEqual(key);
  });

  it('name the subject of a run', () => {
    expect(subjectOf(plan, { login: 'jane@corp.example' })).toBe('jane@corp.example');
  });
});
