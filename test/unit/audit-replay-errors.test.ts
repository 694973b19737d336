import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { divergenceOf, parseExport, replayLine } from '../../audit';

const golden = parseExport(
  readFileSync(path.resolve('test/golden/rejected-approval.json'), 'utf8'),
  'rejected-approval.json',
).run.history;

describe('reading a replay failure', () => {
  it('finds the first diverging event in the SDK core message and says what the history recorded there', () => {
    const message =
      'Replay failed with a nondeterminism error. Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)", source: "" }) }';
    const divergence = divergenceOf(message, golden);
    expect(divergence).toEqual({
      eventId: 5,
      eventType: 'ActivityTaskScheduled',
      recorded: expect.stringMatching(/^activity \S+ \(cordon\.notify\) scheduled$/),
    });
    expect(
      replayLine({
        label: 'x.json',
        workflowId: 'w',
        events: 57,
        verdict: 'nondeterministic',
        divergence,
        message: 'm',
      }),
    ).toMatch(/^✗ x\.json: diverges at event 5 \(ActivityTaskScheduled: activity/);
  });

  it('finds the recorded activity a message names by type when it gives no event id', () => {
    const message =
      "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'test.destroy' does not match activity type of activity command 'test.read'";
    expect(divergenceOf(message, golden)).toBeUndefined();
    const triage = divergenceOf(message.replace("'test.destroy'", "'test.read'"), golden);
    expect(triage).toEqual({
      eventId: expect.any(Number),
      eventType: 'ActivityTaskScheduled',
      recorded: 'activity triage (test.read) scheduled',
    });
  });

  it('says nothing about an event when the message names none', () => {
    expect(divergenceOf('Replay failed due workflow task failure. Details: boom', golden)).toBeUndefined();
  });
});
