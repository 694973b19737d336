/**
 * The worker's side of tracing: each activity runs in a span whose parent is the workflow's (carried in the activity's
 * headers), and the workflows' own spans, made in the sandbox by the interceptors bundled with the workflow code (see
 * `WORKFLOW_TRACING_INTERCEPTORS`), leave it through the `exporter` sink to the process's span processor.
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
