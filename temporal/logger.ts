/**
 * The process's Temporal runtime, installed once before any worker or native connection is made: its logger (JSON
 * lines or compact text, see `log-format.ts`) and, when configured, the Prometheus endpoint that serves Temporal's own
 * metrics and cordon's (see `metrics/`).
 */
import { DefaultLogger, Runtime, type LogLevel, type Logger } from '@temporalio/worker';
import type { Config } from '../config/config';
import { effectiveLogFormat } from '../config/telemetry';
import { formatLogEntry, type LogFormat } from './log-format';
import { HISTOGRAM_BUCKETS } from '../metrics/catalogue';

export interface RuntimeOptions {
  logLevel: LogLevel;
  /** @default 'text' */
  logFormat?: LogFormat;
  /** `host:port` for the Prometheus endpoint (`/metrics`); none: no metrics are exported. */
  metricsAddress?: string | undefined;
}

let installed: Logger | undefined;

/** Installs the runtime once per process; later calls return the logger installed first. */
export function installRuntime(
  options: RuntimeOptions,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  if (installed) return installed;
  const format = formatLogEntry(options.logFormat ?? 'text');
  const logger = new DefaultLogger(options.logLevel, (entry) => write(format(entry)));
  Runtime.install({
    logger,
    telemetryOptions: {
      // The native side's warnings through the same logger: left alone, it prints them to stdout, where they would
      // break `--json` output (`cordon test --json`), and at its own level.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: options.metricsAddress,
                // Seconds and `_total`, as Prometheus names them; the dashboard queries these names.
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                histogramBucketOverrides: HISTOGRAM_BUCKETS,
              },
            },
          }
        : {}),
    },
  });
  installed = logger;
  return logger;
}

/**
 * The runtime as the configuration says (the worker, `cordon up`): JSON lines unless a person reads the terminal
 * (`CORDON_LOG_FORMAT=auto`), and the Prometheus endpoint when `CORDON_METRICS_PORT` is set.
 */
export function installConfiguredRuntime(config: Pick<Config, 'logLevel' | 'telemetry'>): Logger {
  return installRuntime({
    logLevel: config.logLevel,
    logFormat: effectiveLogFormat(config.telemetry.logFormat, process.stderr.isTTY === true),
    metricsAddress: config.telemetry.metricsAddress,
  });
}

/** The compact text logger alone (tests, scratch servers). */
export function installRuntimeLogger(level: LogLevel, write?: (line: string) => void): Logger {
  return installRuntime({ logLevel: level }, write);
}
