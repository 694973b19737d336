/**
 * A local OTLP/HTTP trace receiver on 127.0.0.1, standing in for an OpenTelemetry Collector: it accepts what
 * `@opentelemetry/exporter-trace-otlp-http` posts to `/v1/traces` (OTLP's JSON encoding, ids in hex) and keeps every
 * span with its service's name.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const attributeSchema = z.object({ key: z.string(), value: z.record(z.string(), z.unknown()) });

const exportSchema = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(attributeSchema).default([]) }).optional(),
      scopeSpans: z.array(
        z.object({
          spans: z.array(
            z.object({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              attributes: z.array(attributeSchema).default([]),
            }),
          ),
        }),
      ),
    }),
  ),
});

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** The base URL to give as CORDON_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Requests it could not read, with why. */
  refused: string[];
  close(): Promise<void>;
}

function attributes(list: z.infer<typeof attributeSchema>[]): Record<string, unknown> {
  return Object.fromEntries(list.map((attribute) => [attribute.key, Object.values(attribute.value)[0]]));
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed =
        req.method === 'POST' && req.url === '/v1/traces' && req.headers['content-type'] === 'application/json'
          ? exportSchema.safeParse(JSON.parse(body))
          : undefined;
      if (!parsed?.success) {
        refused.push(`${req.method} ${req.url} ${req.headers['content-type']}: ${parsed?.error.message ?? ''}`);
        res.writeHead(400).end();
        return;
      }
      for (const resourceSpan of parsed.data.resourceSpans) {
        const named = attributes(resourceSpan.resource?.attributes ?? [])['service.name'];
        const service = typeof named === 'string' ? named : '';
        for (const scope of resourceSpan.scopeSpans)
          for (const span of scope.spans)
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              attributes: attributes(span.attributes),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    refused,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
