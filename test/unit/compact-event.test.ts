import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../activities/run-services';
import { compactEvent } from '../../workflows/run-tracker';
import type { RunState } from '../../workflows/run-state';

const state = {
  workflowId: 'cordon/okta-phishing-campaign/x',
  playbook: { id: 'okta-phishing-campaign', version: '1', title: 'T', sha256: 'ab' },
  requester: 'alice',
  trigger: { kind: 'cli' },
  status: 'running',
  startedAt: '2026-11-30T10:00:00.000Z',
  steps: [
    {
      id: 'search',
      action: 'okta.search_logs',
      impact: 'read',
      status: 'succeeded',
      input: { ips: ['x'] },
      output: { userIds: ['u1', 'u2'] },
    },
    {
      id: 'snapshot',
      action: 'okta.snapshot',
      impact: 'read',
      status: 'failed',
      input: [{ userId: 'u1' }, { userId: 'u2' }],
      output: [{ big: 'evidence' }, null],
      error: { type: 'NotFound', message: '1 of 2 items failed' },
      items: [
        { index: 0, item: 'u1', status: 'succeeded', output: { big: 'evidence' } },
        { index: 1, item: 'u2', status: 'failed', error: { type: 'NotFound', message: 'no u2' } },
      ],
    },
  ],
  approvals: [],
  alerts: [],
} as unknown as RunState;

describe('compactEvent', () => {
  it("keeps a forEach step's item statuses and errors but not its values, and leaves single steps whole", () => {
    const event: RunEvent = { kind: 'progress', state };
    const compact = compactEvent(event);
    expect(JSON.stringify(compact.state.steps[1])).toBe(
      JSON.stringify({
        id: 'snapshot',
        action: 'okta.snapshot',
        impact: 'read',
        status: 'failed',
        error: { type: 'NotFound', message: '1 of 2 items failed' },
        items: [
          { index: 0, item: null, status: 'succeeded' },
          { index: 1, item: null, status: 'failed', error: { type: 'NotFound', message: 'no u2' } },
        ],
      }),
    );
    expect(compact.state.steps[0]).toEqual(state.steps[0]);
    // A copy: the run's own state keeps everything, and later changes to it do not reach the notification.
    expect(state.steps[1]?.items?.[0]?.output).toEqual({ big: 'evidence' });
    expect(compact.state.steps[0]).not.toBe(state.steps[0]);
  });
});
