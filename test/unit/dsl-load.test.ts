import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  PlaybookError,
  checkPlaybookSource,
  compilePlaybookSource,
  loadPlaybookFile,
  loadPlaybookSource,
} from '../../dsl';
import { flowDepth } from '../../dsl/flow-depth';
import { testRegistry } from '../fixtures/playbooks/test-actions';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/playbooks/${name}`, import.meta.url));

function issues(...lines: string[]): string[] {
  return checkPlaybookSource(lines.join('\n') + '\n', 'p.yaml', testRegistry).issues.map(
    (issue) => `${issue.line}:${issue.column} ${issue.message}`,
  );
}

const STEP = ['steps:', '  - id: a', '    action: core.log', '    with: { message: hi }'];

describe('loading a playbook', () => {
  it('returns the validated playbook with defaults filled', () => {
    const playbook = loadPlaybookSource(['id: t', 'title: T', ...STEP].join('\n'), 'p.yaml', testRegistry);
    expect(playbook.version).toBe('1');
    expect(playbook.onFailure).toBe('abort');
    expect(playbook.steps[0]).toMatchObject({ id: 'a', needs: [], timeout: '5m', concurrency: 10 });
  });

  it('loads the fixture playbooks from their files', () => {
    expect(loadPlaybookFile(fixture('account-compromise.yaml'), testRegistry).steps).toHaveLength(4);
    expect(loadPlaybookFile(fixture('minimal.yaml'), testRegistry).id).toBe('hello');
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadPlaybookFile('/nonexistent/p.yaml', testRegistry)).toThrow(
      /cannot read playbook \/nonexistent\/p.yaml/,
    );
  });

  it('reports a YAML syntax error with its position', () => {
    expect(issues('id: t', 'title: T', 'steps:', '  - id: a', '    with: { message: hi', '  - id: b')).toEqual([
      '6:3 YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('reports a repeated key rather than keeping the last one', () => {
    expect(issues('id: t', 'title: T', 'title: U', ...STEP)).toEqual(['3:1 YAML: Map keys must be unique']);
  });

  it('reports a document that is not a map', () => {
    expect(issues('- a')).toEqual(['1:1 playbook: expected map, got a list']);
  });

  it('reports an unknown field at its key and suggests the field meant', () => {
    expect(issues('id: t', 'title: T', 'setps: []', ...STEP)).toEqual([
      '3:1 playbook: unknown field "setps" (did you mean "steps"?)',
    ]);
    expect(issues('id: t', 'title: T', ...STEP, '    tmeout: 5m')).toEqual([
      '7:5 step "a": unknown field "tmeout" (did you mean "timeout"?)',
    ]);
  });

  it('reports a missing field at the map that lacks it', () => {
    expect(issues('id: t', 'title: T', 'steps:', '  - id: a', '    with: { message: hi }')).toEqual([
      '4:5 step "a": missing required field "action"',
    ]);
    expect(issues('id: t', ...STEP)).toEqual(['1:1 playbook: missing required field "title"']);
  });

  it('reports a value that fails the schema at the value', () => {
    expect(issues('id: t', 'title: T', ...STEP, '    timeout: 5x')).toEqual([
      '7:14 step "a": timeout: must be a duration such as 30s, 5m, 2h or 1d',
    ]);
    expect(issues('id: t', 'title: T', ...STEP, '    onFailure: abrt')).toEqual([
      '7:16 step "a": onFailure: must be one of abort, continue, undo (did you mean "abort"?)',
    ]);
    expect(issues('id: t', 'title: T', ...STEP, '    retry: { maximumAttempts: 0 }')).toEqual([
      '7:31 step "a": retry.maximumAttempts: must be at least 1',
    ]);
  });

  it('accepts the old spellings of renamed fields with a warning naming the new one, and compiles the same plan', () => {
    const gate = (escalation: string) => [
      '    approval:',
      '      approvers: { users: [U1] }',
      '      onTimeout: escalate',
      `      ${escalation}: { approvers: { users: [U2] } }`,
    ];
    const old = [
      'id: t',
      'title: T',
      ...STEP,
      '    retry: { maxAttempts: 2, backoff: 3, maxInterval: 5m }',
      ...gate('escalate'),
    ];
    const now = [
      'id: t',
      'title: T',
      ...STEP,
      '    retry: { maximumAttempts: 2, backoffCoefficient: 3, maximumInterval: 5m }',
      ...gate('escalation'),
    ];
    const checked = checkPlaybookSource(old.join('\n'), 'p.yaml', testRegistry);
    expect(checked.issues).toEqual([]);
    expect(checked.warnings.map((warning) => `${warning.line}:${warning.column} ${warning.message}`)).toEqual([
      '7:14 retry.maxAttempts is deprecated: write retry.maximumAttempts',
      '7:30 retry.backoff is deprecated: write retry.backoffCoefficient',
      '7:42 retry.maxInterval is deprecated: write retry.maximumInterval',
      '11:7 approval.escalate is deprecated: write approval.escalation',
    ]);
    const {
      source: _old,
      sha256: _oldHash,
      ...fromOld
    } = compilePlaybookSource(old.join('\n'), 'p.yaml', testRegistry);
    const {
      source: _now,
      sha256: _nowHash,
      ...fromNow
    } = compilePlaybookSource(now.join('\n'), 'p.yaml', testRegistry);
    expect(fromOld).toEqual(fromNow);
    expect(checkPlaybookSource(now.join('\n'), 'p.yaml', testRegistry).warnings).toEqual([]);
  });

  it('refuses a renamed field given under both spellings, naming the one to keep', () => {
    expect(issues('id: t', 'title: T', ...STEP, '    retry: { maxAttempts: 2, maximumAttempts: 3 }')).toEqual([
      '7:14 retry.maxAttempts: give maximumAttempts only (maxAttempts is its old spelling)',
    ]);
  });

  it('reports a union by the branch that fits the value', () => {
    expect(issues('id: t', 'title: T', ...STEP, '    undo: { action: 3 }')).toEqual([
      '7:21 step "a": undo.action: expected string, got number 3',
    ]);
    expect(issues('id: t', 'title: T', ...STEP, '    undo: true')).toEqual([
      '7:11 step "a": undo: expected map or false, got boolean true',
    ]);
  });

  it('reports an invalid input name at the name', () => {
    expect(issues('id: t', 'title: T', 'inputs:', '  Login: { type: email }', ...STEP)).toEqual([
      '4:3 inputs.Login: invalid name: must start with a lowercase letter and hold only letters, digits and _',
    ]);
  });

  it('reports every issue of a file, schema and lint alike, in document order', () => {
    const found = issues(
      'id: t',
      'title: T',
      'inputs:',
      '  login: { type: emial }',
      'steps:',
      '  - id: user',
      '    action: test.get_usr',
      '    timeout: soon',
      '  - id: suspend',
      '    action: test.suspend_user',
      "    with: { userId: '${{ steps.user.output.id }}' }",
    );
    expect(found).toEqual([
      '4:18 inputs.login.type: must be one of string, email, domain, ip, cidr, number, boolean, enum, list (did you mean "email"?)',
      '7:13 step "user": unknown action "test.get_usr" (did you mean "test.get_user"?); `cordon actions` lists the registered ones',
      '8:14 step "user": timeout: must be a duration such as 30s, 5m, 2h or 1d',
      '10:13 step "suspend": test.suspend_user is destructive and needs an approval gate (or an explicit unattended policy)',
      '11:26 step "suspend": with.userId: steps.user is read, but "user" is not among this step\'s needs, so it may not have run yet (add it to needs)',
    ]);
  });

  it('checks the expressions in every place a playbook holds them', () => {
    const bad = '${{ 1 + }}';
    const found = checkPlaybookSource(
      [
        'id: t',
        'title: T',
        `subject: '${bad}'`,
        `dedupe: '${bad}'`,
        'triggers:',
        '  - detection: okta',
        '    when: 1 +',
        `    inputs: { x: '${bad}' }`,
        `    dedupe: '${bad}'`,
        'inputs:',
        '  x: { type: string }',
        'steps:',
        '  - id: a',
        '    action: test.suspend_user',
        `    with: { userId: '${bad}' }`,
        '    if: 1 +',
        `    forEach: '${bad}'`,
        `    approval: { approvers: { groups: [g] }, show: { user: '${bad}' } }`,
        `    undo: { action: test.unsuspend_user, with: { userId: '${bad}' } }`,
      ].join('\n'),
      'p.yaml',
      testRegistry,
    ).issues;
    expect(found.map((issue) => `${issue.line}: ${issue.message.replace(/: expression.*/, '')}`)).toEqual([
      '3: subject',
      '4: dedupe',
      '7: trigger 1: when',
      '8: trigger 1: inputs.x',
      '9: trigger 1: dedupe',
      '15: step "a": with.userId',
      '16: step "a": if',
      '17: step "a": forEach',
      '18: step "a": approval.show.user',
      '19: step "a": undo.with.userId',
    ]);
  });

  it('throws a PlaybookError whose message lists every issue as file:line:column: message', () => {
    const source = [
      'id: t',
      'title: T',
      'steps:',
      '  - id: a',
      '    action: nope',
      '  - id: a',
      '    action: core.log',
    ];
    let error: unknown;
    try {
      loadPlaybookSource(source.join('\n'), 'playbooks/p.yaml', testRegistry);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlaybookError);
    expect(error instanceof PlaybookError && error.issues).toHaveLength(3);
    expect(error instanceof Error && error.message).toBe(
      [
        'playbooks/p.yaml:5:13: step "a": unknown action "nope"; `cordon actions` lists the registered ones',
        'playbooks/p.yaml:6:5: step "a": with: missing required field "message" of core.log',
        'playbooks/p.yaml:6:9: step "a": duplicate step id (first used on line 4)',
      ].join('\n'),
    );
  });
});

describe('a playbook whose brackets nest thousands deep (found by the fault campaign, issue 15)', () => {
  it('is refused with one issue at the bracket past the limit, before the YAML parser spends its time on it', () => {
    // Parsed, this gave 1,909 YAML errors and took 50 to 170 ms of CPU for 9 KB: a fuzzed case over the 100 ms bound.
    const deep = '['.repeat(3_000);
    // The quote in `join('; ')` is not one that opens a quoted scalar: it must not hide the brackets after it.
    const found = issues(
      'id: t',
      "title: ${{ ['a'].join('; ') }}",
      ...STEP,
      '  - id: b',
      '    action: core.log',
      '    with:',
      `      message: ${deep}`,
    );
    // The 65th opening bracket of line 10.
    expect(found).toEqual([
      `10:${'      message: '.length + 65} YAML: brackets nest more than 64 deep here; a playbook never needs that many`,
    ]);
  });

  it('counts every playbook of the repository a few levels deep: quotes and expressions do not leak depth', () => {
    const yamlUnder = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => path.join(dir, name));
    const files = [...yamlUnder('playbooks'), ...yamlUnder('test/fixtures')];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(flowDepth(readFileSync(file, 'utf8')).depth, file).toBeLessThanOrEqual(4);
  });

  it('still reads brackets in quoted strings, comments and block text as text', () => {
    const text = '['.repeat(200);
    expect(
      issues(
        'id: t',
        'title: T',
        `description: "${text}"`,
        `# ${text}`,
        'steps:',
        '  - id: a',
        '    action: core.log',
        `    with: { message: '${text}' }`,
        '  - id: b',
        '    action: core.log',
        '    with:',
        '      message: |',
        `        ${text}`,
      ),
    ).toEqual([]);
  });
});
