/**
 * The W3C trace context OpenTelemetry's interceptors carry in a Temporal header: a JSON payload `{ "traceparent":
 * "00-<trace id>-<span id>-<flags>" }`. Sandbox-safe; read only to name the trace in a run's log lines.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export interface Traceparent {
  traceId: string;
  spanId: string;
}

/** The trace and span ids a trace header names, or undefined when it names none (or cannot be read). */
export function traceparentOf(header: Payload): Traceparent | undefined {
  let carrier: unknown;
  try {
    carrier = defaultPayloadConverter.fromPayload(header);
  } catch {
    return undefined;
  }
  const value =
    typeof carrier === 'object' && carrier !== null ? (carrier as Record<string, unknown>).traceparent : undefined;
  const match = typeof value === 'string' ? TRACEPARENT.exec(value) : null;
  return match?.[1] && match[2] ? { traceId: match[1], spanId: match[2] } : undefined;
}
