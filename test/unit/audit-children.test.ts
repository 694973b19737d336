/** How the audit reads a child workflow that ended without a failure of its own: timed out, cancelled or terminated. */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { collectChildCalls } from '../../audit/children';
import type { PlanStepRecord } from '../../audit/run-records';

const PARENT = 'okta-account-compromise/jane';
const STEPS: PlanStepRecord[] = [
  {
    id: 'takedown',
    action: 'takedown.monitor',
    impact: 'reversible',
    needs: [],
    workflow: { type: 'takedownMonitor' },
  },
];

/** A child's start and `end`, as events of a history exported in the Temporal CLI's JSON format. */
function childRun(end: object) {
  return (
    historyFromJSON({
      events: [
        {
          eventId: '5',
          eventTime: '2023-11-14T22:13:20Z',
          eventType: 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
          startChildWorkflowExecutionInitiatedEventAttributes: {
            workflowId: `${PARENT}/takedown`,
            workflowType: { name: 'takedownMonitor' },
          },
        },
        {
          eventId: '6',
          eventTime: '2023-11-14T22:13:21Z',
          eventType: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED',
          childWorkflowExecutionStartedEventAttributes: {
            initiatedEventId: '5',
            workflowExecution: { workflowId: `${PARENT}/takedown`, runId: 'run-1' },
          },
        },
        { eventId: '9', eventTime: '2023-11-14T22:14:20Z', ...end },
      ],
    }).events ?? []
  );
}

describe('collectChildCalls', () => {
  it.each([
    ['timed_out', 'CHILD_WORKFLOW_EXECUTION_TIMED_OUT', 'Timeout', 'the child workflow timed out'],
    ['cancelled', 'CHILD_WORKFLOW_EXECUTION_CANCELED', 'Cancelled', 'the child workflow was cancelled'],
    ['failed', 'CHILD_WORKFLOW_EXECUTION_TERMINATED', 'Terminated', 'the child workflow was terminated'],
  ] as const)('says %s for a child whose history ends in %s, with a %s error', (outcome, eventType, type, message) => {
    const warnings: string[] = [];
    const attributes = `${eventType.toLowerCase().replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())}EventAttributes`;
    const events = childRun({ eventType: `EVENT_TYPE_${eventType}`, [attributes]: { initiatedEventId: '5' } });
    const [call] = collectChildCalls(events, STEPS, PARENT, (warning) => warnings.push(warning));
    expect(warnings).toEqual([]);
    expect(call).toMatchObject({
      activityId: 'takedown',
      stepId: 'takedown',
      child: { workflowId: `${PARENT}/takedown`, runId: 'run-1' },
      startedAt: '2023-11-14T22:13:21.000Z',
      endedAt: '2023-11-14T22:14:20.000Z',
      outcome,
      error: { type, message, nonRetryable: null, cause: null },
    });
  });

  it('warns about the end of a child that was never started, and records nothing for it', () => {
    const warnings: string[] = [];
    const calls = collectChildCalls(
      childRun({
        eventType: 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED',
        childWorkflowExecutionTerminatedEventAttributes: { initiatedEventId: '5' },
      }).slice(2),
      STEPS,
      PARENT,
      (message) => warnings.push(message),
    );
    expect(calls).toEqual([]);
    expect(warnings).toEqual(['event 9 refers to a child workflow that was never started']);
  });
});
