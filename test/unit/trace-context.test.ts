import { defaultPayloadConverter } from '@temporalio/common';
import { TRACE_HEADER as OPENTELEMETRY_TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { describe, expect, it } from 'vitest';
import { TRACE_HEADER } from '../../workflows/trace-context';
import { traceparentOf } from '../../workflows/traceparent';

describe('the trace context a run carries', () => {
  it('is in the header OpenTelemetry’s client and activity interceptors read and write', () => {
    expect(TRACE_HEADER).toBe(OPENTELEMETRY_TRACE_HEADER);
  });

  it('names its trace and span from a W3C traceparent, and nothing from anything else', () => {
    const header = defaultPayloadConverter.toPayload({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(traceparentOf(header)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    expect(traceparentOf(defaultPayloadConverter.toPayload({ traceparent: 'not one' }))).toBeUndefined();
    expect(traceparentOf(defaultPayloadConverter.toPayload('text'))).toBeUndefined();
    expect(traceparentOf({ metadata: { encoding: new TextEncoder().encode('binary/unknown') } })).toBeUndefined();
  });
});
