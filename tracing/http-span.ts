/**
 * A server span around one HTTP request of `cordon serve` (a detection hook, a Slack request): the root of the trace
 * that follows it through the workflow it starts to each Okta call, or a child of the caller's span when the request
 * carries a W3C `traceparent`. Without a tracer provider (no `CORDON_OTLP_ENDPOINT`) the span is a no-op.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('cordon');

/** Runs `handle` inside a span named `METHOD route`, ended when the response is sent (or the connection drops). */
export function withRequestSpan(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  handle: () => void | Promise<void>,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const parent = propagation.extract(context.active(), req.headers);
  return tracer.startActiveSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
    parent,
    async (span) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      res.once('finish', end);
      res.once('close', end);
      try {
        await handle();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        throw error;
      }
    },
  );
}
