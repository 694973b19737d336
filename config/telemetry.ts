/**
 * The telemetry section: how the worker logs (`CORDON_LOG_FORMAT`), where it serves Prometheus metrics
 * (`CORDON_METRICS_PORT`, `CORDON_METRICS_HOST`), and where traces go (`CORDON_OTLP_ENDPOINT`, OTLP over HTTP).
 */
import { LOG_FORMATS, type LogFormat } from '../temporal/log-format';
import { ConfigError } from './config-error';
import { ConfigProblems } from './config-problems';
import type { SectionEnv } from './section-env';
import { hostPort } from '../http/host-port';

/** Every variable this section reads (see `variables.ts`). */
export const TELEMETRY_VARIABLES = [
  'CORDON_LOG_FORMAT',
  'CORDON_METRICS_PORT',
  'CORDON_METRICS_HOST',
  'CORDON_OTLP_ENDPOINT',
] as const;

type TelemetryEnv = SectionEnv<typeof TELEMETRY_VARIABLES>;

export interface TelemetryConfig {
  /** `json` lines, `text` lines, or `auto`: text on a terminal, JSON otherwise. @default 'auto' */
  logFormat: LogFormat | 'auto';
  /** `host:port` of the Prometheus endpoint (`/metrics`); undefined when `CORDON_METRICS_PORT` is not set. */
  metricsAddress?: string;
  /**
   * Base URL of an OTLP/HTTP receiver (an OpenTelemetry Collector, Jaeger, Tempo, …); spans are posted to
   * `<endpoint>/v1/traces`. Undefined: no traces.
   */
  otlpEndpoint?: string;
}

function logFormat(raw: string | undefined): TelemetryConfig['logFormat'] {
  if (!raw) return 'auto';
  const value = raw.toLowerCase();
  if (value === 'auto') return 'auto';
  const format = LOG_FORMATS.find((candidate) => candidate === value);
  if (!format) throw new ConfigError(`CORDON_LOG_FORMAT: "${raw}" is not one of json, text, auto`);
  return format;
}

function metricsAddress(env: TelemetryEnv): string | undefined {
  const port = env.CORDON_METRICS_PORT;
  if (!port) {
    if (env.CORDON_METRICS_HOST) throw new ConfigError('CORDON_METRICS_HOST is set without CORDON_METRICS_PORT');
    return undefined;
  }
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new ConfigError(`CORDON_METRICS_PORT: "${port}" is not a port (1-65535)`);
  }
  // All interfaces by default: Prometheus scrapes from another host or container.
  const host = env.CORDON_METRICS_HOST || '0.0.0.0';
  return hostPort(host, port);
}

function otlpEndpoint(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`CORDON_OTLP_ENDPOINT: "${raw}" is not a URL (e.g. http://otel-collector:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`CORDON_OTLP_ENDPOINT: "${raw}" is not an http:// or https:// URL`);
  if (url.search || url.hash)
    throw new ConfigError(`CORDON_OTLP_ENDPOINT: "${raw}" has a query or fragment; give the receiver's base URL`);
  // The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT is: the signal's path is appended.
  return url.href.replace(/\/+$/, '');
}

export function telemetryConfigFromEnv(env: TelemetryEnv): TelemetryConfig {
  const problems = new ConfigProblems();
  const format = problems.read(() => logFormat(env.CORDON_LOG_FORMAT), undefined);
  const address = problems.read(() => metricsAddress(env), undefined);
  const endpoint = problems.read(() => otlpEndpoint(env.CORDON_OTLP_ENDPOINT), undefined);
  problems.throwIfAny();
  return {
    logFormat: format ?? 'auto',
    ...(address ? { metricsAddress: address } : {}),
    ...(endpoint ? { otlpEndpoint: endpoint } : {}),
  };
}

/** `auto` decided: text for a person at a terminal, JSON lines for a log collector. */
export function effectiveLogFormat(format: TelemetryConfig['logFormat'], isTerminal: boolean): LogFormat {
  if (format !== 'auto') return format;
  return isTerminal ? 'text' : 'json';
}
