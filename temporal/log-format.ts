/**
 * How the worker's log entries are written: one JSON object per line for a log collector (`json`), or a compact line
 * for a person at a terminal (`text`). Both name the run, the step and the action an entry is about, and leave out
 * SDK internals such as task tokens.
 */
import type { LogEntry } from '@temporalio/worker';

export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Metadata the SDK attaches to every entry of an activity or a workflow, mapped to cordon's names or dropped. */
const SDK_FIELDS = new Set([
  'sdkComponent',
  'taskQueue',
  'isLocal',
  'namespace',
  'taskToken',
  'workflowRunId',
  'runId',
  'workflowType',
  'activityType',
  'activityId',
  'workflowId',
  'attempt',
]);

/** The fields every line carries when they apply: which run, which step (the activity id: `suspend`, `items[3]`), which action. */
export interface LogContext {
  workflowId?: string;
  runId?: string;
  step?: string;
  action?: string;
  attempt?: number;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function logContext(meta: Record<string, unknown>): LogContext {
  const attempt = meta.attempt;
  const context: LogContext = {
    workflowId: text(meta.workflowId),
    runId: text(meta.workflowRunId) ?? text(meta.runId),
    // An activity's id is its step (and item); a workflow's own entries may name their step themselves.
    step: text(meta.activityId) ?? text(meta.step),
    action: text(meta.activityType) ?? text(meta.action),
    attempt: typeof attempt === 'number' ? attempt : undefined,
  };
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}

function extraFields(meta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(meta).filter(([key]) => !SDK_FIELDS.has(key) && key !== 'step' && key !== 'action'),
  );
}

/** `{"time":…,"level":"INFO","message":…,"workflowId":…,"runId":…,"step":…,"action":…, …fields}` */
export function formatJson(entry: LogEntry): string {
  const meta = entry.meta ?? {};
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify(
    { time, level: entry.level, message: entry.message, ...logContext(meta), ...extraFields(meta) },
    // A bigint or an error in the fields must not lose the line.
    (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Error ? value.message : value,
  );
}

/** `INFO  [<workflow id> <step> <action>] message {fields}` */
export function formatText(entry: LogEntry): string {
  const meta = entry.meta ?? {};
  const context = logContext(meta);
  const where = [context.workflowId, context.step, context.action ?? text(meta.workflowType)].filter(Boolean).join(' ');
  const fields = extraFields(meta);
  const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
  return `${entry.level.padEnd(5)} ${where ? `[${where}] ` : ''}${entry.message}${extra}`;
}

export function formatLogEntry(format: LogFormat): (entry: LogEntry) => string {
  return format === 'json' ? formatJson : formatText;
}
