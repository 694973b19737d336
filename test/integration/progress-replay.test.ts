/**
 * A run must replay exactly as it ran whatever the clock its history records. Progress pacing once decided from the
 * workflow clock whether to hold a report behind a timer; the clock a replay reads is the history's event times, which
 * do not always equal what the live run read (seen as a CI failure under load: a status query's replay failed with
 * "Activity machine does not handle this event: TimerStarted"), and such a run cannot be replayed by a new worker.
 */
import { readFile } from 'node:fs/promises';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayHistories, replayLine } from '../../audit';
import { startHarness, type Harness } from '../support/harness';
import { settle } from '../support/wait';

type History = temporal.api.history.v1.IHistory;

/** The history as another clock would have recorded it: each workflow task starting `gapSeconds` after the one before. */
function withWorkflowTasksApart(history: History, gapSeconds: number): History {
  let shift = 0;
  const events = (history.events ?? []).map((event) => {
    if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) shift += gapSeconds;
    const seconds = event.eventTime?.seconds;
    if (!event.eventTime || !seconds) return event;
    return { ...event, eventTime: { ...event.eventTime, seconds: seconds.add(shift) } };
  });
  return { ...history, events };
}

describe('progress of a run', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.shutdown();
  });

  it('replays the same whatever clock its history records', async () => {
    const plan = harness.plan(`
id: quick-steps
title: Quick steps one after another
steps:
  - id: one
    action: test.mark
    with: { target: one }
  - id: two
    action: test.mark
    needs: [one]
    with: { target: two }
  - id: three
    action: test.mark
    needs: [two]
    with: { target: three }
  - id: four
    action: test.mark
    needs: [three]
    with: { target: four }
`);
    const { handle, workflowId } = await harness.start(plan, {});
    expect((await settle(handle)).status).toBe('succeeded');
    const history = await handle.fetchHistory();
    const outcomes = await replayHistories(
      [
        { label: 'as recorded', workflowId, history },
        { label: 'workflow tasks 2 s apart', workflowId, history: withWorkflowTasksApart(history, 2) },
      ],
      { workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') } },
    );
    expect(outcomes.map(replayLine).join('\n')).not.toContain('✗');
  }, 60_000);
});
