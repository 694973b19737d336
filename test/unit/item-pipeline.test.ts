import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import type { PlanStep } from '../../dsl/plan';
import { incompleteItems } from '../../runs/retry-run';
import { describeIncomplete, itemwiseCandidates } from '../../workflows/item-pipeline';
import type { RunState } from '../../workflows/run-state';

const campaign = compilePlaybookSource(
  readFileSync('playbooks/okta-phishing-campaign.yaml', 'utf8'),
  'playbooks/okta-phishing-campaign.yaml',
  builtinRegistry,
);
const stepById = (id: string): PlanStep => {
  const step = campaign.steps.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
};

const policyOf = (step: PlanStep) => step.onFailure ?? campaign.onFailure;

describe('itemwiseCandidates', () => {
  it("follows a forEach need over the same list item by item: the campaign's factors follow snapshot", () => {
    expect(itemwiseCandidates(stepById('factors'), stepById, policyOf)).toEqual(['snapshot']);
    const afterSuspend: PlanStep = { ...stepById('factors'), needs: ['suspend', 'snapshot'] };
    expect(itemwiseCandidates(afterSuspend, stepById, policyOf)).toEqual(['suspend', 'snapshot']);
  });

  it('waits whole for a need that is not a forEach, or that the step reads the output of', () => {
    expect(itemwiseCandidates(stepById('suspend'), stepById, policyOf)).toEqual([]);
    const reading: PlanStep = {
      ...stepById('factors'),
      needs: ['suspend', 'snapshot'],
      with: { userId: '${{ steps.suspend.output[index].userId }}' },
    };
    // It waits whole for suspend, whose output it reads, and still follows snapshot item by item.
    expect(itemwiseCandidates(reading, stepById, policyOf)).toEqual(['snapshot']);
  });

  it('waits whole for a need whose failure policy stops the run (abort, undo)', () => {
    expect(itemwiseCandidates(stepById('factors'), stepById, () => 'abort')).toEqual([]);
    expect(itemwiseCandidates(stepById('factors'), stepById, () => 'undo')).toEqual([]);
  });

  it('waits whole for a forEach need over another list', () => {
    const other: PlanStep = {
      ...stepById('factors'),
      forEach: { items: '${{ inputs.attackerIps }}', concurrency: 10 },
    };
    expect(itemwiseCandidates(other, stepById, policyOf)).toEqual([]);
  });
});

describe('the items a run did not complete', () => {
  const state: Pick<RunState, 'steps'> = {
    steps: [
      {
        id: 'suspend',
        action: 'okta.suspend_user',
        impact: 'destructive',
        status: 'failed',
        items: [
          { index: 0, item: '00ua', status: 'succeeded' },
          { index: 1, item: '00ub', status: 'failed', error: { type: 'Conflict', message: 'not active' } },
          { index: 2, item: '00uc', status: 'succeeded' },
        ],
      },
      {
        id: 'factors',
        action: 'okta.reset_factors',
        impact: 'destructive',
        status: 'failed',
        items: [
          { index: 0, item: '00ua', status: 'succeeded' },
          { index: 1, item: '00ub', status: 'skipped', reason: 'item 1 of "suspend" failed' },
          { index: 2, item: '00uc', status: 'failed', error: { type: 'Unavailable', message: '503' } },
        ],
      },
      { id: 'search', action: 'okta.search_logs', impact: 'read', status: 'succeeded' },
    ],
  };

  it('are listed once each, in the order they first appear, for cordon retry', () => {
    expect(incompleteItems(state)).toEqual(['00ub', '00uc']);
  });

  it("are named in a failed step's message with why", () => {
    expect(describeIncomplete(state.steps[1]?.items ?? [])).toBe('00ub (skipped), 00uc (Unavailable)');
    expect(describeIncomplete(state.steps[0]?.items ?? [], 0)).toBe(' and 1 more');
  });
});
