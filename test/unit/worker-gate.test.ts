/**
 * The worker's gate checks as pure functions: the catalogue rules a plan must meet, how a run vouches for its chunks,
 * and where a plan differs from what its source compiles to.
 */
import { describe, expect, it } from 'vitest';
import { createGateServices, planDifferences } from '../../activities/gate-services';
import { builtinRegistry } from '../../activities/registry';
import { hashValue } from '../../dsl/canonical-json';
import { compilePlaybookSource } from '../../dsl';
import type { Plan, PlanStep } from '../../dsl/plan';
import { vouchForChild, type ChildRequest } from '../../workflows/child-vouch';
import { checkPlanAgainstCatalogue } from '../../workflows/plan-check';
import type { RunState } from '../../workflows/run-state';

const SOURCE = `
id: suspend-each
title: Suspend each
inputs:
  userIds: { type: list, of: string }
steps:
  - id: suspend
    action: okta.suspend_user
    forEach: "\${{ inputs.userIds }}"
    with: { userId: "\${{ item }}" }
    approval: { approvers: { groups: [secops] } }
`;
const plan = compilePlaybookSource(SOURCE, 'suspend-each.yaml', builtinRegistry);
const step = plan.steps[0] as PlanStep;

function withStep(changes: Partial<PlanStep>, planChanges: Partial<Plan> = {}): Plan {
  return { ...plan, ...planChanges, steps: [{ ...step, ...changes }] };
}

describe('checkPlanAgainstCatalogue', () => {
  it('accepts a plan compiled from a linted playbook', () => {
    expect(() => checkPlanAgainstCatalogue(plan)).not.toThrow();
  });

  it('refuses a plan that lowers a built-in action’s impact', () => {
    expect(() => checkPlanAgainstCatalogue(withStep({ impact: 'read' }))).toThrow(
      'step "suspend": the plan says okta.suspend_user is read, but okta.suspend_user is destructive',
    );
  });

  it('refuses a plan that makes a built-in action run as a child workflow of its choosing', () => {
    expect(() => checkPlanAgainstCatalogue(withStep({ workflow: { type: 'runItemsChunk', detach: false } }))).toThrow(
      /changes how okta.suspend_user runs/,
    );
  });

  it('refuses a destructive gate that approves itself on timeout, unless the plan states why', () => {
    const approval = { ...step.approval!, onTimeout: 'approve' as const, timeoutMs: 1_000 };
    expect(() => checkPlanAgainstCatalogue(withStep({ approval }))).toThrow(
      /approval.onTimeout is approve on destructive okta.suspend_user without an unattended reason/,
    );
    const stated = withStep({ approval, unattended: { reason: 'approved in advance by the CISO' } });
    expect(() => checkPlanAgainstCatalogue(stated)).not.toThrow();
  });

  it('refuses a destructive undo without approval when the run can undo, and only then', () => {
    const undo = { action: 'okta.deactivate_user', with: { userId: '${{ input.userId }}' } };
    expect(() => checkPlanAgainstCatalogue(withStep({ undo }, { onFailure: 'undo' }))).toThrow(
      /undo.action okta.deactivate_user is destructive and has neither an approval nor an unattended reason/,
    );
    expect(() => checkPlanAgainstCatalogue(withStep({ undo }))).not.toThrow();
    const approved = { ...undo, approval: step.approval! };
    expect(() => checkPlanAgainstCatalogue(withStep({ undo: approved }, { onFailure: 'undo' }))).not.toThrow();
  });

  it('leaves actions outside the built-in catalogue to the worker’s plan verification', () => {
    expect(() => checkPlanAgainstCatalogue(withStep({ action: 'test.destroy', impact: 'read' }))).not.toThrow();
  });
});

describe('vouchForChild', () => {
  const inputs = [{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u3' }];
  const state = (status: 'running' | 'succeeded', approved: boolean): RunState => ({
    workflowId: 'cordon/suspend-each/1',
    playbook: { id: plan.id, version: plan.version, title: plan.title, sha256: plan.sha256 },
    requester: 'alice',
    trigger: { kind: 'cli' },
    inputs: {},
    status: 'running',
    startedAt: '2026-01-01T00:00:00Z',
    steps: [{ id: 'suspend', action: step.action, impact: 'destructive', status, input: inputs }],
    approvals: approved
      ? [
          {
            stepId: 'suspend',
            action: step.action,
            impact: 'destructive',
            input: inputs,
            inputsHash: hashValue(inputs),
            shown: {},
            approvers: ['bob'],
            required: 1,
            requestedAt: '2026-01-01T00:00:00Z',
            deadline: '2026-01-01T00:30:00Z',
            escalated: false,
            decisions: [],
            status: 'approved',
          },
        ]
      : [],
    alerts: [],
  });
  const chunk = (changes: Partial<Extract<ChildRequest, { kind: 'chunk' }>> = {}): ChildRequest => ({
    kind: 'chunk',
    workflowId: 'cordon/suspend-each/1/suspend/1',
    stepId: 'suspend',
    stepHash: hashValue(step),
    offset: 1,
    count: 2,
    inputsHash: hashValue(inputs.slice(1)),
    ...changes,
  });

  it('vouches for a chunk of its running, approved step with exactly those items', () => {
    expect(vouchForChild(plan, state('running', true), chunk())).toEqual([]);
  });

  it('refuses a chunk with other inputs, another step, another name, or for a step not running or not approved', () => {
    expect(vouchForChild(plan, state('running', true), chunk({ inputsHash: hashValue([{ userId: 'ceo' }]) }))).toEqual([
      'the chunk\'s inputs are not items 1..2 of "suspend"',
    ]);
    expect(vouchForChild(plan, state('running', true), chunk({ stepHash: hashValue({ ...step, with: {} }) }))).toEqual([
      'the chunk\'s step "suspend" is not the step of the run\'s plan',
    ]);
    expect(vouchForChild(plan, state('running', true), chunk({ workflowId: 'elsewhere' }))).toEqual([
      'the run names this chunk cordon/suspend-each/1/suspend/1, not elsewhere',
    ]);
    expect(vouchForChild(plan, state('succeeded', true), chunk())).toEqual([
      'step "suspend" is succeeded, not running',
    ]);
    expect(vouchForChild(plan, state('running', false), chunk())).toEqual([
      'step "suspend" has no approval (gate "suspend" did not approve)',
    ]);
  });

  it('refuses a child workflow no step of the run started', () => {
    const request: ChildRequest = { kind: 'workflow', workflowType: 'takedownMonitor', inputHash: hashValue({}) };
    expect(vouchForChild(plan, state('running', true), request)).toEqual([
      'no step of the run started a takedownMonitor with this input',
    ]);
  });
});

describe('planDifferences', () => {
  it('names each field where a plan differs from what its source compiles to', () => {
    const tampered = withStep({ approval: { ...step.approval!, approvers: { users: ['mallory'], groups: [] } } });
    expect(planDifferences(tampered, plan)).toEqual([
      'steps.suspend.approval.approvers.groups ([] in the plan) does not match what its playbook source compiles to (["secops"])',
      'steps.suspend.approval.approvers.users (["mallory"] in the plan) does not match what its playbook source compiles to ([])',
    ]);
    expect(planDifferences(plan, plan)).toEqual([]);
  });
});

describe('cordon.verify_plan remembers the plans it verified', () => {
  it('passes a plan it verified before, and still refuses a copy changed anywhere', async () => {
    const gate = createGateServices(builtinRegistry);
    const verify = (candidate: Plan) => gate['cordon.verify_plan'](candidate);
    expect(await verify(plan)).toEqual([]);
    expect(await verify(structuredClone(plan))).toEqual([]);
    const lowered = withStep({ approval: undefined });
    expect((await verify(lowered)).join('\n')).toMatch(/steps\.suspend\.approval/);
    // A refusal is not remembered as a pass, and the verified original is not mistaken for the changed copy.
    expect((await verify(lowered)).join('\n')).toMatch(/steps\.suspend\.approval/);
    expect(await verify(plan)).toEqual([]);
  });
});
