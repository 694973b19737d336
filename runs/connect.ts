/**
 * Client connections. With `TEMPORAL_ADDRESS` (and the other variables `@temporalio/envconfig` reads: namespace,
 * TLS, API key) cordon uses that cluster; without it, the local dev server that `cordon up` runs.
 */
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { dataConverterFor } from '../codec/data-converter';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { Config, Env } from '../config/config';
import { CLIENT_CHANNEL_ARGS } from '../temporal/client-channel';

export const LOCAL_ADDRESS = '127.0.0.1:7233';

/** Thrown when no Temporal server answers; says where we looked and what to do. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
}

export interface ConnectionSettings {
  address: string;
  namespace: string;
  /** Everything else envconfig found (TLS, API key, metadata). */
  options: Awaited<ReturnType<typeof loadClientConnectConfig>>['connectionOptions'];
  /** The payload codec (`CORDON_CODEC_KEYS`), shared by every client and worker of this configuration. */
  dataConverter?: DataConverter | undefined;
  /** Start spans for the workflows this client starts, signals and updates, and carry their context in the headers. */
  traced?: boolean;
}

/** Settings for a server this process started (the dev server of `cordon up` or the demo). */
export function localServerSettings(
  server: { address: string; namespace: string },
  config?: Pick<Config, 'codec'>,
): ConnectionSettings {
  return {
    address: server.address,
    namespace: server.namespace,
    options: { address: server.address },
    dataConverter: dataConverterFor(config?.codec),
  };
}

/** Where to connect: the configured cluster, else the local dev server. */
export function connectionSettings(config: Config, env: Env): ConnectionSettings {
  const dataConverter = dataConverterFor(config.codec);
  const traced = config.telemetry.otlpEndpoint !== undefined;
  if (!config.temporal.address) {
    return {
      address: LOCAL_ADDRESS,
      namespace: config.temporal.namespace,
      options: { address: LOCAL_ADDRESS },
      dataConverter,
      traced,
    };
  }
  const definedEnv = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const loaded = loadClientConnectConfig({ overrideEnvVars: definedEnv });
  const address = loaded.connectionOptions.address ?? config.temporal.address;
  return {
    address,
    namespace: loaded.namespace ?? config.temporal.namespace,
    options: { ...loaded.connectionOptions, address },
    dataConverter,
    traced,
  };
}

export async function connectClient(settings: ConnectionSettings): Promise<Client> {
  // Loaded here, not at the top: commands that never connect (validate, help) start without the client's weight.
  const temporal = await import('@temporalio/client');
  try {
    const connection = await temporal.Connection.connect({
      ...settings.options,
      channelArgs: CLIENT_CHANNEL_ARGS,
      connectTimeout: 5_000,
    });
    await connection.workflowService.getSystemInfo({});
    const tracing = settings.traced ? await import('@temporalio/interceptors-opentelemetry') : undefined;
    return new temporal.Client({
      connection,
      namespace: settings.namespace,
      ...(settings.dataConverter ? { dataConverter: settings.dataConverter } : {}),
      ...(tracing ? { interceptors: { workflow: [new tracing.OpenTelemetryWorkflowClientInterceptor()] } } : {}),
    });
  } catch (error) {
    const hint =
      settings.address === LOCAL_ADDRESS
        ? 'start the local server with `cordon up`, or set TEMPORAL_ADDRESS to use a cluster'
        : 'check TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS or API key settings';
    throw new TemporalUnreachableError(
      `no Temporal server answers at ${settings.address} (${(error as Error).message.split('\n')[0]}): ${hint}`,
    );
  }
}
