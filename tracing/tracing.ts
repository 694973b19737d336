/**
 * What a started tracing is, apart from how it starts: `provider.ts` starts one, `process-tracing.ts` remembers it for
 * the process, the worker hands its span processor to the workflows' interceptor.
 */
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  resource: Resource;
  /** Where spans go: the worker hands it the workflows' spans too (they are made in the sandbox). */
  spanProcessor: SpanProcessor;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}
