/**
 * A compact log for the Temporal runtime: one line per entry, with the fields an operator needs (which run, which
 * action) and without SDK internals such as task tokens.
 */
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

const SDK_FIELDS = new Set([
  'sdkComponent',
  'taskQueue',
  'isLocal',
  'namespace',
  'taskToken',
  'workflowRunId',
  'workflowType',
  'activityType',
  'activityId',
  'workflowId',
  'attempt',
]);

function format(entry: LogEntry): string {
  const meta = entry.meta ?? {};
  const where = [meta.workflowId, meta.activityType ?? meta.workflowType].filter(Boolean).join(' ');
  const fields = Object.entries(meta).filter(([key]) => !SDK_FIELDS.has(key));
  const extra = fields.length ? ` ${JSON.stringify(Object.fromEntries(fields))}` : '';
  return `${entry.level.padEnd(5)} ${where ? `[${String(where)}] ` : ''}${entry.message}${extra}`;
}

let installed = false;

/** Installs the compact logger once per process, before any worker or native connection is made. */
export function installRuntimeLogger(level: LogLevel, write: (line: string) => void = (line) => console.error(line)) {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => write(format(entry))),
    // The native side's warnings through the same logger: left alone, it prints them to stdout, where they would
    // break `--json` output, and at its own level.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
