/**
 * The worker's side of tracing: each activity runs in a span whose parent is carried in the activity's headers (the
 * run's start, for runs under the patch `trace-context-only`; see `workflows/trace-context.ts`). Runs started before
 * that patch still make their own spans in the sandbox with OpenTelemetry's workflow interceptors, which leave it
 * through the `exporter` sink to the process's span processor.
 */
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracing';

export type WorkerTracingOptions = Required<Pick<WorkerOptions, 'interceptors' | 'sinks'>>;

export function workerTracingOptions(tracing: Tracing): WorkerTracingOptions {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
