/**
 * Playbooks found by the fault campaign's fuzzing (issue 15, `test/faults/playbook-fuzz.ts`) that crashed or stalled
 * the loader: each must be refused with a positioned issue, quickly.
 */
import { describe, expect, it } from 'vitest';
import { checkPlaybookSource } from '../../dsl';
import { builtinRegistry } from '../../activities/registry';

function check(source: string): { ms: number; messages: string[] } {
  const start = performance.now();
  const { issues } = checkPlaybookSource(source, 'hostile.yaml', builtinRegistry);
  return {
    ms: performance.now() - start,
    messages: issues.map((issue) => `${issue.line}:${issue.column} ${issue.message}`),
  };
}

const sum = (terms: number) => Array.from({ length: terms }, () => 'inputs.login').join(' + ');

describe('hostile playbooks', () => {
  it('refuses an expression thousands of operators long instead of overflowing the stack', () => {
    const source = [
      'id: t',
      'title: T',
      'inputs: { login: { type: email } }',
      'steps:',
      '  - id: a',
      '    action: okta.get_user',
      `    with: { login: "\${{ ${sum(3_000)} }}" }`,
    ].join('\n');
    const { messages } = check(source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^7:\d+ .*expression .* it is 44997 characters long, at most 1000 are allowed$/);
  });

  it('answers within a second for a step id tens of kilobytes long that another step needs', () => {
    const id = `x${'a'.repeat(30_000)}`;
    const source = [
      'id: t',
      'title: T',
      'steps:',
      `  - id: ${id}`,
      '    action: core.log',
      '    with: { message: hi }',
      '  - id: b',
      '    action: core.log',
      `    needs: [y${'a'.repeat(30_000)}]`,
      '    with: { message: hi }',
    ].join('\n');
    const { ms, messages } = check(source);
    expect(messages.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1_000);
  });
});
