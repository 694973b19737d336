/**
 * OpenTelemetry traces of one process (the worker, `cordon serve`, a CLI command), exported by OTLP over HTTP to
 * `CORDON_OTLP_ENDPOINT`. Registered as the global tracer provider, with W3C trace context propagation and an
 * AsyncLocalStorage context manager, so a span started around a hook request is the parent of the workflow start the
 * request makes, and an activity's span the parent of the Okta calls it makes. Started only by composition roots, and
 * only when the endpoint is configured: without it every tracer is OpenTelemetry's no-op one.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setProcessTracing } from './process-tracing';
import type { Tracing } from './tracing';

/**
 * How long spans wait in the buffer before a batch is posted. OpenTelemetry's default is 5 s; a second keeps a trace
 * complete in the backend while the responder is still looking at the run.
 */
const EXPORT_DELAY_MS = 1_000;

export function startTracing(endpoint: string, serviceName: string): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), {
    scheduledDelayMillis: EXPORT_DELAY_MS,
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracing = { resource, spanProcessor, shutdown: () => provider.shutdown() };
  setProcessTracing(tracing);
  return tracing;
}
