/**
 * The workflow interceptors every bundle carries, for traces (sandbox code: `WORKFLOW_TRACE_INTERCEPTORS` bundles it).
 *
 * OpenTelemetry's own workflow interceptors build a tracer in every workflow, from its modules evaluated afresh for
 * each run: about 1.6 MB of every cached run, and at 10 detections a second most of the time to the first write (issue
 * 11: `npm run bench -- hook --rate 10` measured 1.7–3.2 s p50 without them against 4.6–10 s with them, alternating).
 * A run started since the patch `trace-context-only` makes no span of its own: it carries the trace context its start
 * came with (the `_tracer-data` header the client's interceptor sets) to every activity, child workflow and signal it
 * sends, so each activity's span still hangs from the span that started the run, in one trace. Its log lines name the
 * trace too.
 *
 * A run started before keeps OpenTelemetry's interceptors, loaded for it alone: their awaits order that run's
 * commands, so replaying it without them would diverge. The choice is made once, at the run's first signal or its
 * start, whichever comes first (Temporal tells a replay its patches before any signal, so a replay chooses the same).
 */
import {
  patched,
  type ActivityInput,
  type ContinueAsNewInput,
  type DisposeInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type QueryInput,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { Headers, Payload } from '@temporalio/common';
import type * as OpenTelemetryWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { traceparentOf } from './traceparent';

export const TRACE_CONTEXT_ONLY_PATCH = 'trace-context-only';

/** The header OpenTelemetry's interceptors carry a trace context in (their `TRACE_HEADER`; a unit test checks it). */
export const TRACE_HEADER = '_tracer-data';

/** OpenTelemetry's workflow interceptors, as runs from before the patch had them. */
interface SpanInterceptors {
  inbound: Required<Pick<WorkflowInboundCallsInterceptor, 'execute' | 'handleSignal' | 'handleUpdate'>> &
    WorkflowInboundCallsInterceptor;
  outbound: WorkflowOutboundCallsInterceptor;
  internals: WorkflowInternalsInterceptor;
}

function loadSpanInterceptors(): SpanInterceptors {
  // Required here, not imported: a run started since the patch never evaluates OpenTelemetry's modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OpenTelemetryWorkflow;
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor(),
    outbound: new otel.OpenTelemetryOutboundInterceptor(),
    internals: new otel.OpenTelemetryInternalsInterceptor(),
  };
}

/** One run's choice: spans (OpenTelemetry's interceptors) or its start's trace context alone. Undecided until then. */
class TraceChoice {
  private decided = false;
  private spans: SpanInterceptors | undefined;
  /** The trace context the run started with, carried to what it sends, and the trace it names (for log lines). */
  private context: Payload | undefined;
  private traceId: string | undefined;

  /** Decides once, where a patch may be asked: the run's start or a signal or update it handles. */
  decide(): SpanInterceptors | undefined {
    if (!this.decided) {
      this.decided = true;
      if (!patched(TRACE_CONTEXT_ONLY_PATCH)) this.spans = loadSpanInterceptors();
    }
    return this.spans;
  }

  /** The interceptors of a run that chose spans; undefined while undecided or without spans. */
  get chosenSpans(): SpanInterceptors | undefined {
    return this.spans;
  }

  remember(headers: Headers): void {
    if (this.context) return;
    this.context = headers[TRACE_HEADER];
    this.traceId = this.context && traceparentOf(this.context)?.traceId;
  }

  carry<T extends { headers: Headers }>(input: T): T {
    if (!this.context || input.headers[TRACE_HEADER]) return input;
    return { ...input, headers: { ...input.headers, [TRACE_HEADER]: this.context } };
  }

  logAttributes(input: GetLogAttributesInput): GetLogAttributesInput {
    return this.traceId ? { trace_id: this.traceId, ...input } : input;
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const choice = new TraceChoice();
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      const spans = choice.decide();
      if (spans) return spans.inbound.execute(input, next);
      choice.remember(input.headers);
      return next(input);
    },
    handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
      const spans = choice.decide();
      return spans ? spans.inbound.handleSignal(input, next) : next(input);
    },
    handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
      const spans = choice.decide();
      return spans ? spans.inbound.handleUpdate(input, next) : next(input);
    },
    // A validator or a query may not ask for a patch: they follow the choice already made, if any.
    validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) {
      const validate = choice.chosenSpans?.inbound.validateUpdate;
      return validate ? validate.call(choice.chosenSpans?.inbound, input, next) : next(input);
    },
    handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>) {
      const query = choice.chosenSpans?.inbound.handleQuery;
      return query ? query.call(choice.chosenSpans?.inbound, input, next) : next(input);
    },
  };
  /** An outbound call: OpenTelemetry's when the run chose spans, else the call with the run's trace context. */
  const carried =
    <I extends { headers: Headers }, R>(method: keyof WorkflowOutboundCallsInterceptor) =>
    (input: I, next: (input: I) => R): R => {
      const spans = choice.chosenSpans?.outbound;
      const own = spans?.[method] as ((input: I, next: (input: I) => R) => R) | undefined;
      return own ? own.call(spans, input, next) : next(choice.carry(input));
    };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: carried<ActivityInput, Promise<unknown>>('scheduleActivity'),
    scheduleLocalActivity: carried<LocalActivityInput, Promise<unknown>>('scheduleLocalActivity'),
    startChildWorkflowExecution: carried<
      StartChildWorkflowExecutionInput,
      Promise<[Promise<string>, Promise<unknown>]>
    >('startChildWorkflowExecution'),
    signalWorkflow: carried<SignalWorkflowInput, Promise<void>>('signalWorkflow'),
    continueAsNew: carried<ContinueAsNewInput, Promise<never>>('continueAsNew'),
    getLogAttributes(input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) {
      const spans = choice.chosenSpans?.outbound;
      if (spans?.getLogAttributes) return spans.getLogAttributes(input, next);
      return next(choice.logAttributes(input));
    },
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>) {
      const spans = choice.chosenSpans?.internals;
      if (spans?.dispose) return spans.dispose(input, next);
      return next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
