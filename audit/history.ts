/**
 * Reading workflow histories: from the server (by workflow id) or from an export file, and the small helpers that turn
 * proto events into plain values (numbers, ISO times, decoded payloads, failures). Everything an audit says comes
 * through here, so a closed run is auditable without a worker.
 */
import { codecsOf } from '../codec/data-converter';
import { decodeHistory } from '../codec/decode-history';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { FailureSummary } from './model';

export type { History };
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type Payload = temporal.api.common.v1.IPayload;
export type ProtoFailure = temporal.api.failure.v1.IFailure;

/** Thrown when a history cannot be read or is not a cordon run; says which run or file. */
export class AuditError extends Error {
  override readonly name = 'AuditError';
}

/** A history and what is known about where it came from. */
export interface RunHistory {
  workflowId: string | undefined;
  runId: string | undefined;
  history: History;
  /** `server, namespace default`, or the file it was read from. */
  source: string;
}

export type LongLike = { toString(): string } | number | string | null | undefined;

/** int64 fields arrive as Long objects (or strings from JSON): as a plain number. */
export function toNumber(value: LongLike): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value.toString());
}

export function eventIdOf(event: HistoryEvent): number {
  return toNumber(event.eventId);
}

/** A proto Timestamp as ISO time. Seconds are a Long from the server but a number from JSON, so convert ourselves. */
export function isoTime(timestamp: { seconds?: LongLike; nanos?: number | null } | null | undefined): string | null {
  if (!timestamp) return null;
  return new Date(toNumber(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6)).toISOString();
}

export function eventTimeOf(event: HistoryEvent): string {
  return isoTime(event.eventTime) ?? new Date(0).toISOString();
}

export function durationMs(duration: { seconds?: LongLike; nanos?: number | null } | null | undefined): number {
  if (!duration) return 0;
  return toNumber(duration.seconds) * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
}

/** Decodes a payload with the default converter; an encrypted or binary payload is described, not thrown. */
export function decodePayload(payload: Payload | null | undefined, warn: (message: string) => void): unknown {
  if (!payload) return null;
  try {
    return defaultPayloadConverter.fromPayload(payload) ?? null;
  } catch (error) {
    const encoding = payload.metadata?.encoding ? new TextDecoder().decode(payload.metadata.encoding) : 'unknown';
    warn(`a payload with encoding ${encoding} could not be decoded: ${(error as Error).message}`);
    return { undecodable: encoding };
  }
}

/** The first payload of a list (cordon's workflow, activities and messages all take one argument). */
export function firstPayload(
  payloads: { payloads?: Payload[] | null } | null | undefined,
  warn: (message: string) => void,
): unknown {
  return decodePayload(payloads?.payloads?.[0], warn);
}

function failureType(failure: ProtoFailure): string {
  if (failure.applicationFailureInfo) return failure.applicationFailureInfo.type || 'Error';
  if (failure.timeoutFailureInfo) return 'Timeout';
  if (failure.canceledFailureInfo) return 'Cancelled';
  if (failure.terminatedFailureInfo) return 'Terminated';
  if (failure.activityFailureInfo) return 'ActivityFailure';
  if (failure.serverFailureInfo) return 'ServerFailure';
  return 'Failure';
}

/** A failure without its stack trace: type, message, retryability and the innermost cause. */
export function describeFailure(failure: ProtoFailure | null | undefined): FailureSummary | null {
  if (!failure) return null;
  let innermost: ProtoFailure | undefined;
  for (let cause = failure.cause; cause; cause = cause.cause) innermost = cause;
  return {
    type: failureType(failure),
    message: failure.message ?? '',
    nonRetryable: failure.applicationFailureInfo ? Boolean(failure.applicationFailureInfo.nonRetryable) : null,
    cause: innermost?.message ?? null,
  };
}

/** The history of a run from the server: the latest run of the id unless a run id is given. */
export async function fetchRunHistory(client: Client, workflowId: string, runId?: string): Promise<RunHistory> {
  const handle = client.workflow.getHandle(workflowId, runId);
  try {
    const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
    return {
      workflowId,
      runId: description.runId,
      // Decrypted here, so the audit, the export and the replay read every payload as the run saw it.
      history: await decodeHistory(history, codecsOf(client)),
      source: `server, namespace ${client.options.namespace}`,
    };
  } catch (error) {
    throw new AuditError(
      `cannot read the history of ${workflowId}${runId ? ` run ${runId}` : ''}: ${(error as Error).message}`,
    );
  }
}
