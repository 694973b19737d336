/**
 * A monitor runs only under the run that started it (issue 10). `test.monitor` starts one as `takedown.monitor` does,
 * but takes any input, so tests can start a monitor with short intervals, or with input a playbook would refuse.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import { defineAction } from '../../activities/action';
import { takedownMonitor as takedownMonitorAction } from '../../activities/takedown/specs';
import type { takedownMonitor, TakedownMonitorInput } from '../../workflows/takedown-monitor';
import type { Harness } from './harness';

export const monitorUnderTest = defineAction({
  name: 'test.monitor',
  description: 'Starts a takedown monitor with any input (tests only).',
  impact: 'read',
  input: z.looseObject({}),
  output: takedownMonitorAction.output,
  workflow: { type: 'takedownMonitor', detach: true, id: 'takedown-monitor-test/${{ input.domain }}' },
});

export interface StartedMonitor {
  handle: WorkflowHandle<typeof takedownMonitor>;
  /** The monitor's first run (it continues as new). */
  runId?: string;
  /** The workflow id of the run that started it. */
  startedBy: string;
}

/** Starts a monitor as a run's step would (the harness needs `monitorUnderTest` among its specs). */
export async function startMonitorThroughRun(
  harness: Harness,
  input: Partial<TakedownMonitorInput>,
): Promise<StartedMonitor> {
  // Each call its own run: the run's id comes from its inputs, and test files running at once on one server would
  // otherwise join each other's run and get its monitor.
  const plan = harness.plan(`
id: monitor-under-test
title: Start a takedown monitor
inputs:
  call: { type: string }
steps:
  - id: monitor
    action: test.monitor
    with: ${JSON.stringify(input)}
`);
  const { handle, workflowId } = await harness.start(plan, { call: randomUUID() });
  const started = monitorUnderTest.output.parse((await handle.result()).steps[0]?.output);
  return {
    handle: harness.client.workflow.getHandle<typeof takedownMonitor>(started.workflowId),
    startedBy: workflowId,
    ...(started.runId ? { runId: started.runId } : {}),
  };
}
