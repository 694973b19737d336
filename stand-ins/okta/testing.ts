/**
 * Helpers for tests that call `okta.*` handlers directly against the local Okta, without Temporal: an action context
 * that records what handlers log and heartbeat, so a test can check that no secret reached a log line.
 */
import type { ActionContext } from '../../activities/action';

export interface RecordingContext extends ActionContext {
  /** Every log line with its fields, as JSON text: what a log sink would have received. */
  readonly lines: string[];
  readonly heartbeats: unknown[];
}

export function recordingContext(
  overrides: Partial<Pick<ActionContext, 'attempt' | 'signal' | 'scheduledAt'>> = {},
): RecordingContext {
  const lines: string[] = [];
  const heartbeats: unknown[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, fields }));
  };
  return {
    lines,
    heartbeats,
    heartbeat: (details) => heartbeats.push(details),
    signal: overrides.signal ?? new AbortController().signal,
    workflowId: 'okta-test',
    activityId: 'step',
    attempt: overrides.attempt ?? 1,
    scheduledAt: overrides.scheduledAt,
    log: { info: record('info'), warn: record('warn') },
  };
}
