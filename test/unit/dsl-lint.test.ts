import { describe, expect, it } from 'vitest';
import { checkPlaybookSource } from '../../dsl';
import { suspendUser, testRegistry } from '../fixtures/playbooks/test-actions';

/** Lines 1-8 of every playbook here; the lines a test adds start at line 9. */
const HEADER = [
  'id: t',
  'title: T',
  'inputs:',
  '  login: { type: email }',
  'steps:',
  '  - id: user',
  '    action: test.get_user',
  "    with: { login: '${{ inputs.login }}' }",
];

function issues(...lines: string[]): string[] {
  const source = [...HEADER, ...lines].join('\n') + '\n';
  return checkPlaybookSource(source, 't.yaml', testRegistry).issues.map(
    (issue) => `${issue.line}:${issue.column} ${issue.message}`,
  );
}

describe('the linter', () => {
  it('accepts a playbook whose actions, fields and references all resolve', () => {
    expect(
      issues(
        '  - id: sessions',
        '    action: test.clear_sessions',
        '    needs: [user]',
        "    with: { userId: '${{ steps.user.output.id }}', oauthTokens: true }",
        '  - id: log',
        '    action: core.log',
        '    needs: [sessions]',
        '    if: steps.user.output.status == "ACTIVE"',
        "    with: { message: 'done for ${{ steps.user.output.id }} by ${{ run.requester }}' }",
      ),
    ).toEqual([]);
  });

  it('reports an unknown action at its name and suggests the closest registered one', () => {
    expect(issues('  - id: suspend', '    action: test.suspend')).toEqual([
      '10:13 step "suspend": unknown action "test.suspend" (did you mean "test.suspend_user"?); `cordon actions` lists the registered ones',
    ]);
  });

  it('reports a with field that the action does not take, at its key', () => {
    expect(issues('  - id: log', '    action: core.log', '    with: { message: hi, level: info }')).toEqual([
      '11:26 step "log": with.level: core.log has no input field "level"',
    ]);
  });

  it('suggests the field a misspelt with key was meant to be', () => {
    expect(issues('  - id: log', '    action: core.log', '    with: { mesage: hi }')).toEqual([
      '11:11 step "log": with: missing required field "message" of core.log',
      '11:13 step "log": with.mesage: core.log has no input field "mesage" (did you mean "message"?)',
    ]);
  });

  it('reports a required input field of the action that with leaves out, at the with map', () => {
    expect(issues('  - id: log', '    action: core.log', '    with: { fields: { a: 1 } }')).toEqual([
      '11:11 step "log": with: missing required field "message" of core.log',
    ]);
  });

  it('reports a missing with at the step when the step has no with at all', () => {
    expect(issues('  - id: pause', '    action: core.wait')).toEqual([
      '9:5 step "pause": with: missing required field "seconds" of core.wait',
    ]);
  });

  it('reports a literal with value of the wrong type, but not a template', () => {
    expect(issues('  - id: pause', '    action: core.wait', '    with: { seconds: ten }')).toEqual([
      '11:22 step "pause": with.seconds: expected number, received string',
    ]);
    expect(issues('  - id: pause', '    action: core.wait', "    with: { seconds: '${{ 1 + 2 }}' }")).toEqual([]);
  });

  it('reports a duplicate step id at the second one, naming the line of the first', () => {
    expect(issues('  - id: user', '    action: core.log', '    with: { message: again }')).toEqual([
      '9:9 step "user": duplicate step id (first used on line 6)',
    ]);
  });

  it('reports needs naming a step that does not exist, at the entry', () => {
    expect(issues('  - id: log', '    action: core.log', '    needs: [usr]', '    with: { message: hi }')).toEqual([
      '11:13 step "log": needs "usr", but there is no such step (did you mean "user"?)',
    ]);
  });

  it('names a dependency cycle', () => {
    expect(
      issues(
        '  - id: a',
        '    action: core.log',
        '    needs: [b]',
        '    with: { message: a }',
        '  - id: b',
        '    action: core.log',
        '    needs: [user, a]',
        '    with: { message: b }',
      ),
    ).toEqual(['11:13 step "a": dependency cycle a -> b -> a']);
  });

  it('reports an expression that does not parse, at the expression', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: 'hi ${{ inputs.login + }}' }")).toEqual([
      '11:30 step "log": with.message: expression `inputs.login +`: Unexpected token: EOF',
    ]);
  });

  it('reports an if condition that does not parse, written bare or as a template', () => {
    const step = ['  - id: log', '    action: core.log', '    with: { message: hi }'];
    expect(issues(...step, '    if: inputs.login ==')).toEqual([
      '12:9 step "log": if: expression `inputs.login ==`: Unexpected token: EOF',
    ]);
    expect(issues(...step, "    if: '${{ inputs.login == }}'")).toEqual([
      '12:14 step "log": if: expression `inputs.login ==`: Unexpected token: EOF',
    ]);
    expect(issues(...step, '    if: \'${{ inputs.login == "a@b.c" }}\'')).toEqual([]);
  });

  it('reports a reference to an input that is not declared, suggesting the closest', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: '${{ inputs.logn }}' }")).toEqual([
      '11:27 step "log": with.message: inputs.logn is not a declared input (did you mean "login"?)',
    ]);
  });

  it('reports a reference to a step that does not exist', () => {
    expect(
      issues('  - id: log', '    action: core.log', "    with: { message: '${{ steps.usr.output.id }}' }"),
    ).toEqual(['11:27 step "log": with.message: steps.usr: there is no step "usr" (did you mean "user"?)']);
  });

  it('reports reading a step that is not among the needs, since it may not have run yet', () => {
    expect(
      issues('  - id: log', '    action: core.log', "    with: { message: '${{ steps.user.output.id }}' }"),
    ).toEqual([
      '11:27 step "log": with.message: steps.user is read, but "user" is not among this step\'s needs, so it may not have run yet (add it to needs)',
    ]);
  });

  it('reports a step reading its own output', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: '${{ steps.log.output }}' }")).toEqual([
      '11:27 step "log": with.message: steps.log is this step: its output exists only once it ran (undo.with reads it as output)',
    ]);
  });

  it('accepts reading a step that is needed through another step', () => {
    expect(
      issues(
        '  - id: a',
        '    action: core.log',
        '    needs: [user]',
        '    with: { message: a }',
        '  - id: b',
        '    action: core.log',
        '    needs: [a]',
        "    with: { message: '${{ steps.user.output.id }} ${{ steps.a.status }}' }",
      ),
    ).toEqual([]);
  });

  it('reports item and index outside a forEach step', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: '${{ item }} ${{ index }}' }")).toEqual([
      '11:27 step "log": with.message: `item` is not defined here (it is defined only in a forEach step)',
      '11:39 step "log": with.message: `index` is not defined here (it is defined only in a forEach step)',
    ]);
  });

  it('accepts item and index in a forEach step', () => {
    expect(
      issues(
        '  - id: each',
        '    action: core.log',
        "    forEach: '${{ [1, 2] }}'",
        "    with: { message: '${{ item }} of ${{ index }}' }",
      ),
    ).toEqual([]);
  });

  it('reports a forEach that is not a single template', () => {
    expect(issues('  - id: each', '    action: core.log', '    forEach: a, b', '    with: { message: hi }')).toEqual([
      '11:14 step "each": forEach must be a single ${{ expression }} that yields a list',
    ]);
  });

  it('reports event used outside a trigger', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: '${{ event.id }}' }")).toEqual([
      '11:27 step "log": with.message: `event` is not defined here (it is defined only in triggers)',
    ]);
  });

  it('reports an unclosed template', () => {
    expect(issues('  - id: log', '    action: core.log', "    with: { message: 'hi ${{ inputs.login' }")).toEqual([
      '11:26 step "log": with.message: a `${{` is not closed by `}}`',
    ]);
  });

  it('refuses a destructive action without an approval gate, at the action', () => {
    expect(
      issues(
        '  - id: suspend',
        '    action: test.suspend_user',
        '    needs: [user]',
        "    with: { userId: '${{ steps.user.output.id }}' }",
      ),
    ).toEqual([
      '10:13 step "suspend": test.suspend_user is destructive and needs an approval gate (or an explicit unattended policy)',
    ]);
  });

  it('accepts a destructive action with an explicit unattended policy', () => {
    expect(
      issues(
        '  - id: suspend',
        '    action: test.suspend_user',
        '    with: { userId: 00u1 }',
        '    unattended: { reason: the break-glass account must never log in }',
      ),
    ).toEqual([]);
  });

  it('reports onTimeout escalate without anyone to escalate to', () => {
    expect(
      issues(
        '  - id: suspend',
        '    action: test.suspend_user',
        '    with: { userId: 00u1 }',
        '    approval:',
        '      approvers: { groups: [secops] }',
        '      onTimeout: escalate',
      ),
    ).toEqual(['14:18 step "suspend": approval.onTimeout is escalate, but approval.escalation names no one']);
  });

  it('reports required approvals that the named users cannot give when no group is named', () => {
    expect(
      issues(
        '  - id: suspend',
        '    action: test.suspend_user',
        '    with: { userId: 00u1 }',
        '    approval:',
        '      approvers: { users: [U1, U2] }',
        '      required: 3',
      ),
    ).toEqual(['14:17 step "suspend": approval.required is 3, but only 2 approver(s) are named and no groups']);
  });

  it('reports an undo action that is not registered', () => {
    expect(
      issues(
        '  - id: sessions',
        '    action: test.clear_sessions',
        '    with: { userId: 00u1 }',
        '    undo: { action: test.restore_sessions }',
      ),
    ).toEqual([
      '12:21 step "sessions": undo.action: unknown action "test.restore_sessions" (did you mean "test.clear_sessions"?); `cordon actions` lists the registered ones',
    ]);
  });

  it("lets undo.with read the step's own input and output, and nothing else new", () => {
    const step = ['  - id: suspend', '    action: test.suspend_user', '    with: { userId: 00u1 }'];
    const approval = ['    approval: { approvers: { groups: [secops] } }'];
    expect(
      issues(
        ...step,
        ...approval,
        "    undo: { action: test.unsuspend_user, with: { userId: '${{ output.status }}' } }",
      ),
    ).toEqual([]);
    expect(
      issues(...step, ...approval, "    undo: { action: test.unsuspend_user, with: { userId: '${{ item }}' } }"),
    ).toEqual([
      '13:63 step "suspend": undo.with.userId: `item` is not defined here (it is defined only in a forEach step)',
    ]);
  });

  it('refuses onTimeout: approve on a destructive gate that states no unattended reason', () => {
    const gate = [
      '  - id: suspend',
      '    action: test.suspend_user',
      '    with: { userId: 00u1 }',
      '    approval:',
      '      approvers: { groups: [secops] }',
      '      timeout: 1s',
      '      onTimeout: approve',
    ];
    expect(issues(...gate)).toEqual([
      '15:18 step "suspend": approval.onTimeout is approve on destructive test.suspend_user: nobody would decide; state why with unattended: { reason: ... } or use reject or escalate',
    ]);
    expect(issues(...gate, '    unattended: { reason: approved in advance by the CISO for this incident }')).toEqual(
      [],
    );
  });

  it('refuses onTimeout: approve on a gate that covers a destructive step, unless a reason is stated', () => {
    const lines = [
      '  - id: sessions',
      '    action: test.clear_sessions',
      '    with: { userId: 00u1 }',
      '    approval:',
      '      approvers: { groups: [secops] }',
      '      onTimeout: approve',
      '      covers: [suspend]',
      '  - id: suspend',
      '    action: test.suspend_user',
      '    needs: [sessions]',
      '    with: { userId: 00u1 }',
    ];
    expect(issues(...lines)).toEqual([
      '14:18 step "sessions": approval.onTimeout is approve on a gate covering destructive step "suspend": nobody would decide; state why with unattended: { reason: ... } or use reject or escalate',
    ]);
  });

  it('still refuses an approval gate together with an unattended policy when the gate does not approve on timeout', () => {
    expect(
      issues(
        '  - id: suspend',
        '    action: test.suspend_user',
        '    with: { userId: 00u1 }',
        '    approval: { approvers: { groups: [secops] } }',
        '    unattended: { reason: the break-glass account must never log in }',
      ),
    ).toEqual(['13:5 step "suspend": has both an approval gate and an unattended policy; keep one']);
  });

  it('refuses a destructive undo action without its own approval or unattended reason when the playbook can undo', () => {
    const lines = [
      '  - id: suspend',
      '    action: test.clear_sessions',
      '    with: { userId: 00u1 }',
      '    onFailure: undo',
      '    undo: { action: test.suspend_user, with: { userId: 00u1 } }',
    ];
    expect(issues(...lines)).toEqual([
      '13:21 step "suspend": undo.action test.suspend_user is destructive and needs its own approval (undo.approval) or an unattended reason (undo.unattended)',
    ]);
    expect(
      issues(
        ...lines.slice(0, 4),
        '    undo:',
        '      action: test.suspend_user',
        '      with: { userId: 00u1 }',
        '      approval: { approvers: { groups: [secops] } }',
      ),
    ).toEqual([]);
    expect(
      issues(
        ...lines.slice(0, 4),
        '    undo:',
        '      action: test.suspend_user',
        '      with: { userId: 00u1 }',
        '      unattended: { reason: the session clean-up must be reversed at once }',
      ),
    ).toEqual([]);
  });

  it('refuses a default undo that is destructive when the playbook undoes on failure', () => {
    const registry = testRegistry.with([
      {
        ...suspendUser,
        name: 'test.lock',
        undo: { action: 'test.suspend_user', with: { userId: '${{ input.userId }}' } },
      },
    ]);
    const source = [
      ...HEADER.slice(0, 4),
      'onFailure: undo',
      ...HEADER.slice(4),
      '  - id: lock',
      '    action: test.lock',
      '    with: { userId: 00u1 }',
      '    approval: { approvers: { groups: [secops] } }',
    ].join('\n');
    expect(
      checkPlaybookSource(source, 't.yaml', registry).issues.map((i) => `${i.line}:${i.column} ${i.message}`),
    ).toEqual([
      '11:13 step "lock": its default undo test.suspend_user is destructive and needs its own approval: write undo: { action: test.suspend_user, with: ..., approval: ... } (or unattended), or undo: false',
    ]);
  });

  it('checks triggers: condition scope, declared inputs and required inputs', () => {
    const source = [
      'id: t',
      'title: T',
      'inputs:',
      '  login: { type: email }',
      'triggers:',
      '  - detection: okta',
      '    when: steps.user.status == "x"',
      "    inputs: { user: '${{ event.actor.id }}' }",
      'steps:',
      '  - id: log',
      '    action: core.log',
      "    with: { message: '${{ inputs.login }}' }",
    ].join('\n');
    expect(
      checkPlaybookSource(source, 't.yaml', testRegistry).issues.map((i) => `${i.line}:${i.column} ${i.message}`),
    ).toEqual([
      '7:11 trigger 1: when: `steps` is not defined here (it is defined only in steps)',
      '8:5 trigger 1: does not set the required input "login"',
      '8:15 trigger 1: inputs.user: the playbook has no such input',
    ]);
  });

  it('reports an input default that does not fit the input type', () => {
    const source = [...HEADER.slice(0, 4), '  count: { type: number, default: many }', ...HEADER.slice(4)];
    expect(checkPlaybookSource(source.join('\n'), 't.yaml', testRegistry).issues.map((i) => i.message)).toEqual([
      'input "count": default "many" is not a number',
    ]);
  });

  it('sets stepId on issues inside a step', () => {
    const [issue] = checkPlaybookSource(
      [...HEADER, '  - id: oops', '    action: core.nope'].join('\n'),
      't.yaml',
      testRegistry,
    ).issues;
    expect(issue?.stepId).toBe('oops');
  });
});
