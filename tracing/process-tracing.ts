/**
 * The tracing this process started, if any: the composition root (the worker's `main`, the CLI's `main`) starts it
 * once, and a worker built later in the same process (`cordon up`, the demo) traces through it. The counterpart of
 * OpenTelemetry's own global tracer provider, without loading the SDK to ask.
 */
import type { Tracing } from './tracing';

let started: Tracing | undefined;

export function setProcessTracing(tracing: Tracing): void {
  started = tracing;
}

export function processTracing(): Tracing | undefined {
  return started;
}
