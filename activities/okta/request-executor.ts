/**
 * The request executor the Okta SDK sends every request through. It replaces the SDK's default one, whose 429 retry
 * shares one request timeout between the wait for the reset and the request (so a wait of 40 s under a 30 s timeout
 * failed as a "network timeout") and gives up after a fixed number of 429s.
 *
 * Here the rate limiter decides when a request goes (see `rate-limiter.ts`); the timeout covers one HTTP exchange only,
 * never a wait; a 429 with a reset is waited out and sent again however often it comes, while the activity heartbeats
 * `waiting for Okta's rate limit (resets in 41 s)`, and the step's own timeout or cancellation ends the wait.
 */
import okta from '@okta/okta-sdk-nodejs';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { noopMetricMeter, type MetricCounter, type MetricMeter } from '@temporalio/common';
import { CORDON_METRICS } from '../../metrics/catalogue';
import { currentOktaCall } from './call-context';
import { rateLimitBucket } from './rate-limit-bucket';
import type { OktaRateLimiter } from './rate-limiter';

type RequestOptions = Parameters<okta.RequestExecutor['fetch']>[0];

/** What this executor reads of node-fetch's `Response` (the SDK reads the rest). */
interface FetchedResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

function isFetchedResponse(value: unknown): value is FetchedResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    typeof value.status === 'number' &&
    'headers' in value &&
    typeof value.headers === 'object' &&
    'text' in value &&
    typeof value.text === 'function'
  );
}

export interface PacedRequestExecutorOptions {
  limiter: OktaRateLimiter;
  /** Limit of one HTTP exchange, waits for the rate limit excluded. */
  requestTimeoutMs: number;
  /** False: drop the proxy agent the SDK derives from ambient `HTTPS_PROXY` variables. */
  proxyConfigured: boolean;
  /** Where requests and 429s are counted by endpoint (the worker's Prometheus endpoint); none: not counted. */
  meter?: MetricMeter;
}

// OpenTelemetry's no-op tracer unless the process registered a provider (CORDON_OTLP_ENDPOINT).
const tracer = trace.getTracer('cordon');

/** Ends an Okta call's span with the answer's status (0: none came). */
function endSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status === 0 || status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

export class PacedRequestExecutor extends okta.RequestExecutor {
  private readonly requests: MetricCounter;
  private readonly rateLimited: MetricCounter;

  constructor(private readonly options: PacedRequestExecutorOptions) {
    super();
    const meter = options.meter ?? noopMetricMeter;
    const { oktaRequests, oktaRateLimited } = CORDON_METRICS;
    this.requests = meter.createCounter(oktaRequests.name, undefined, oktaRequests.description);
    this.rateLimited = meter.createCounter(oktaRateLimited.name, undefined, oktaRateLimited.description);
  }

  /** Counts one answer (status 0: none came) against its endpoint, the rate-limit bucket's method and path template. */
  private count(endpoint: string, status: number): void {
    this.requests.add(1, { endpoint, status: String(status) });
    if (status === 429) this.rateLimited.add(1, { endpoint });
  }

  override async fetch(request: RequestOptions): Promise<FetchedResponse> {
    if (!this.options.proxyConfigured) delete request.agent;
    const call = currentOktaCall();
    const method = 'method' in request && typeof request.method === 'string' ? request.method : 'GET';
    const bucket = rateLimitBucket(method, request.url ?? '');
    for (;;) {
      const ticket = await this.options.limiter.acquire(bucket, {
        signal: call?.signal,
        onWait: (wait) => call?.heartbeat({ rateLimit: wait }),
      });
      // node-fetch reads `timeout` (ms for this exchange) and `signal` from the options it is given.
      Object.assign(request, { timeout: this.options.requestTimeoutMs, signal: call?.signal });
      // One span per HTTP exchange (a 429 and its resend are two), a child of the activity's span.
      const span = tracer.startSpan(`okta ${bucket}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.template': bucket.slice(bucket.indexOf(' ') + 1) },
      });
      let response: unknown;
      try {
        response = await super.fetch(request);
      } catch (error) {
        endSpan(span, 0);
        this.count(bucket, 0);
        this.options.limiter.settle(ticket, undefined);
        throw error;
      }
      if (!isFetchedResponse(response)) {
        endSpan(span, 0);
        this.options.limiter.settle(ticket, undefined);
        throw new TypeError('the HTTP client answered without a status, headers and body');
      }
      endSpan(span, response.status);
      this.count(bucket, response.status);
      const waitAndResend = this.options.limiter.settle(ticket, response.status, (name) => response.headers.get(name));
      if (!waitAndResend) return response;
      // Drain the 429's body so its connection goes back to the pool.
      await response.text().catch(() => undefined);
    }
  }
}
