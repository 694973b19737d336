import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePlaybook, compilePlaybookSource, loadPlan, loadPlaybookSource } from '../../dsl';
import { testRegistry } from '../fixtures/playbooks/test-actions';

const file = fileURLToPath(new URL('../fixtures/playbooks/account-compromise.yaml', import.meta.url));
const source = readFileSync(file, 'utf8');

const compile = (...lines: string[]) => compilePlaybookSource(lines.join('\n'), 'p.yaml', testRegistry);

describe('compiling a playbook', () => {
  const plan = loadPlan(file, testRegistry);
  const step = (id: string) => plan.steps.find((candidate) => candidate.id === id);

  it('embeds the source, its sha256 and where it came from', () => {
    expect(plan).toMatchObject({ interpreter: 1, id: 'account-compromise', version: '3', source, file });
    expect(plan.sha256).toBe(createHash('sha256').update(source).digest('hex'));
    expect(compilePlaybook(loadPlaybookSource(source, file, testRegistry), source, testRegistry).sha256).toBe(
      plan.sha256,
    );
  });

  it('copies each step impact from the registry', () => {
    expect(plan.steps.map((candidate) => [candidate.id, candidate.impact])).toEqual([
      ['user', 'read'],
      ['sessions', 'reversible'],
      ['suspend', 'destructive'],
      ['takedown', 'reversible'],
    ]);
  });

  it('fills defaults and converts durations to milliseconds', () => {
    expect(step('user')).toEqual({
      id: 'user',
      name: 'Look up the user',
      action: 'test.get_user',
      impact: 'read',
      with: { login: '${{ inputs.login }}' },
      needs: [],
      timeoutMs: 300_000,
      retry: { maximumAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 2, maximumIntervalMs: 60_000 },
    });
    expect(step('sessions')?.retry).toEqual({
      maximumAttempts: 3,
      initialIntervalMs: 2_000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
    });
    expect(plan.onFailure).toBe('undo');
  });

  it('compiles an approval gate with its escalation', () => {
    expect(step('suspend')?.approval).toEqual({
      approvers: { users: [], groups: ['secops-oncall'] },
      required: 1,
      timeoutMs: 1_800_000,
      onTimeout: 'escalate',
      escalation: { approvers: { users: ['U0LEAD'], groups: [] }, timeoutMs: 3_600_000, channel: '#secops' },
      show: { user: '${{ inputs.login }}', status: '${{ steps.user.output.status }}' },
    });
    expect(step('suspend')?.timeoutMs).toBe(60_000);
  });

  it('stores if as a bare condition and forEach with its concurrency', () => {
    expect(step('suspend')?.if).toBe('steps.user.output.status == "ACTIVE"');
    expect(step('takedown')?.forEach).toEqual({ items: '${{ inputs.phishingDomains }}', concurrency: 5 });
    expect(step('takedown')?.onFailure).toBe('continue');
  });

  it('marks inputs without a default as required unless they say otherwise', () => {
    expect(plan.inputs).toEqual({
      login: { type: 'email', description: 'The phished user', required: true },
      phishingDomains: { type: 'list', of: 'domain', required: false, default: [] },
      ticket: { type: 'string', required: false },
    });
  });

  it('keeps triggers with bare conditions', () => {
    expect(plan.triggers).toEqual([
      {
        detection: 'okta',
        when: 'event.eventType == "user.session.start" && event.client.ipAddress in indicators.ips',
        inputs: { login: '${{ event.target[0].alternateId }}' },
        dedupe: '${{ inputs.login }}',
      },
    ]);
  });

  it("takes the action's default undo when the step names none", () => {
    expect(step('suspend')?.undo).toEqual({ action: 'test.unsuspend_user', with: { userId: '${{ input.userId }}' } });
    expect(step('sessions')?.undo).toBeUndefined();
  });

  it('prefers the undo a step names, and undo: false disables the default', () => {
    const head = [
      'id: t',
      'title: T',
      'steps:',
      '  - id: s',
      '    action: test.suspend_user',
      '    with: { userId: u1 }',
    ];
    const gate = '    approval: { approvers: { users: [U1] } }';
    const own = compile(
      ...head,
      gate,
      "    undo: { action: core.log, with: { message: 'undo ${{ output.status }}' } }",
    );
    expect(own.steps[0]?.undo).toEqual({ action: 'core.log', with: { message: 'undo ${{ output.status }}' } });
    expect(compile(...head, gate, '    undo: false').steps[0]?.undo).toBeUndefined();
  });

  it('records an unattended policy', () => {
    const unattended = compile(
      'id: t',
      'title: T',
      'steps:',
      '  - id: s',
      '    action: test.suspend_user',
      '    with: { userId: u1 }',
      '    unattended: { reason: break-glass account must never sign in }',
    );
    expect(unattended.steps[0]).toMatchObject({
      impact: 'destructive',
      unattended: { reason: 'break-glass account must never sign in' },
    });
    expect(unattended.steps[0]?.approval).toBeUndefined();
  });

  it('produces plain JSON', () => {
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
