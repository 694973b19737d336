import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import { evaluateTemplate } from '../../dsl/expressions';
import { celLiteral, undoPlaybookSource } from '../../runs/undo-playbook';
import { playbookApprovers } from '../../runs/undone-run';
import { undoScope } from '../../runs/undo-scope';
import type { RunState, StepState } from '../../workflows/run-state';

const campaign = compilePlaybookSource(
  readFileSync('playbooks/okta-phishing-campaign.yaml', 'utf8'),
  'okta-phishing-campaign.yaml',
  builtinRegistry,
);

function state(steps: StepState[]): RunState {
  return {
    workflowId: 'cordon/okta-phishing-campaign/x',
    playbook: { id: campaign.id, version: campaign.version, title: campaign.title, sha256: campaign.sha256 },
    requester: 'requester',
    trigger: { kind: 'cli' },
    subject: 'phishing campaign',
    inputs: { attackerIps: ['198.51.100.7'] },
    status: 'succeeded',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:05:00.000Z',
    steps,
    approvals: [],
    alerts: [],
  };
}

const userChange = (userId: string, changed: boolean) => ({
  userId,
  login: `${userId}@example.com`,
  previousStatus: 'ACTIVE',
  status: 'SUSPENDED',
  changed,
  verification: { readBack: false, detail: '' },
});

const ran = state([
  { id: 'search', action: 'okta.search_logs', impact: 'read', status: 'succeeded', endedAt: '2026-01-01T00:01:00Z' },
  {
    id: 'sessions',
    action: 'okta.clear_sessions',
    impact: 'reversible',
    status: 'succeeded',
    endedAt: '2026-01-01T00:02:00Z',
    input: [{ userId: 'u1' }],
    items: [
      { index: 0, item: 'u1', status: 'succeeded', output: { userId: 'u1', login: 'u1@example.com', changed: null } },
    ],
  },
  {
    id: 'suspend',
    action: 'okta.suspend_user',
    impact: 'destructive',
    status: 'succeeded',
    endedAt: '2026-01-01T00:03:00Z',
    input: [{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u3' }],
    items: [
      { index: 0, item: 'u1', status: 'succeeded', output: userChange('u1', true) },
      { index: 1, item: 'u2', status: 'succeeded', output: userChange('u2', false) },
      { index: 2, item: 'u3', status: 'succeeded', output: userChange('u3', true) },
    ],
  },
  {
    id: 'block',
    action: 'okta.block_ips',
    impact: 'destructive',
    status: 'succeeded',
    endedAt: '2026-01-01T00:04:00Z',
    input: { zone: 'BlockedIpZone', cidrs: ['198.51.100.7'] },
    output: {
      zoneId: 'nzo1',
      zoneName: 'BlockedIpZone',
      entries: 1,
      limit: 1000,
      changed: true,
      added: ['198.51.100.7/32'],
      alreadyPresent: [],
      verification: { readBack: true, detail: '' },
    },
  },
]);

describe('the undo of a run', () => {
  it('reverses every change newest first, and says apart what cannot be restored and what changed nothing', () => {
    const scope = undoScope(campaign, ran);
    expect(scope.steps.map((step) => [step.stepId, step.undoAction])).toEqual([
      ['block', 'okta.unblock_ips'],
      ['suspend', 'okta.unsuspend_user'],
    ]);
    expect(scope.steps[1]?.changes.map((change) => [change.work, change.input])).toEqual([
      ['suspend[2]', { userId: 'u3', onlyIf: true, ifStatus: 'SUSPENDED' }],
      ['suspend[0]', { userId: 'u1', onlyIf: true, ifStatus: 'SUSPENDED' }],
    ]);
    expect(scope.notRestorable).toEqual([
      'sessions[0]: okta.clear_sessions of u1@example.com cannot be undone (no undo action)',
    ]);
    expect(scope.unchanged).toEqual(['suspend[1]: okta.suspend_user of u2@example.com, which changed nothing']);
  });

  it('is a playbook the normal compiler accepts: one approval covering every undo step, literal inputs', () => {
    const scope = undoScope(campaign, ran);
    const source = undoPlaybookSource({
      workflowId: ran.workflowId,
      playbookId: campaign.id,
      subject: 'phishing campaign',
      scope,
      approvers: playbookApprovers(campaign),
    });
    const plan = compilePlaybookSource(source, 'undo.yaml', builtinRegistry);
    expect(plan.steps.map((step) => [step.id, step.action, step.needs])).toEqual([
      ['undo_block', 'okta.unblock_ips', []],
      ['undo_suspend', 'okta.unsuspend_user', ['undo_block']],
    ]);
    expect(plan.steps[0]?.approval).toMatchObject({
      approvers: { groups: ['secops-oncall', 'secops-leads'] },
      onTimeout: 'reject',
      covers: ['undo_suspend'],
    });
    expect(plan.steps[0]?.approval?.show).toMatchObject({
      cannotBeRestored: ['sessions[0]: okta.clear_sessions of u1@example.com cannot be undone (no undo action)'],
    });
    const items = evaluateTemplate(plan.steps[1]?.forEach?.items ?? '', {});
    expect(items).toEqual([
      { userId: 'u3', onlyIf: true, ifStatus: 'SUSPENDED' },
      { userId: 'u1', onlyIf: true, ifStatus: 'SUSPENDED' },
    ]);
    expect(plan.steps[0]?.with).toEqual({ zone: 'nzo1', cidrs: ['198.51.100.7/32'], ifPresent: true });
  });

  it('writes any value as a CEL literal that cannot close its template early', () => {
    const value = { a: { b: ['}}', '${{ inputs.x }}', 'q"uote\\'] }, n: 1.5, i: 3, t: true, z: null };
    const literal = celLiteral(value);
    expect(literal).not.toContain('}}');
    expect(literal).not.toContain('${{');
    expect(evaluateTemplate(`\${{ ${literal} }}`, {})).toEqual(value);
  });
});
