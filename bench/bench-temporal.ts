/** What the benchmarks share: a Temporal server to run on (the tests' own, or a dev server started here), the median. */
import { Client, Connection } from '@temporalio/client';
import { startScratchServer } from '../temporal/scratch-server';
import { CLIENT_CHANNEL_ARGS } from '../temporal/client-channel';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** Runs `body` on `target`, or on an embedded dev server started (and stopped) for it. */
export async function withTemporal<T>(
  target: TemporalTarget | undefined,
  body: (target: TemporalTarget) => Promise<T>,
): Promise<T> {
  if (target) return body(target);
  const server = await startScratchServer();
  try {
    return await body({ address: server.address, namespace: server.namespace });
  } finally {
    await server.stop();
  }
}

/** A client of `target` (a scratch server is one too); its connection closes with the process. */
export async function clientOf(target: TemporalTarget): Promise<Client> {
  // cordon's channel arguments: the campaign's history, fetched for its timeline, can pass gRPC's 4 MB default.
  const connection = await Connection.connect({ address: target.address, channelArgs: CLIENT_CHANNEL_ARGS });
  return new Client({ connection, namespace: target.namespace });
}

/** The median (the mean of the middle two for an even count); 0 for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The p-th percentile (0..100) by the nearest-rank method; 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}
