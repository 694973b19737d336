/**
 * History exports: the format of `temporal workflow show --output json` (proto3 JSON of the History, `{"events": [...]}`,
 * int64 as strings, enums as EVENT_TYPE_… names), plus one top-level `cordon` object with what the history alone does
 * not hold (the workflow id, which replay needs) and the history digest. Replayers read only `events`: the TypeScript
 * SDK's `historyFromJSON` and the Go SDK's `HistoryFromJSON` (DiscardUnknown) both ignore the extra field, and a file
 * the Temporal CLI wrote (without it) loads here too.
 */
import { readFile } from 'node:fs/promises';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { z } from 'zod';
import { AuditError, type History, type RunHistory } from './history';
import { DIGEST_ALGORITHM, historyDigest } from './integrity';

export const EXPORT_VERSION = 1;

export const exportMetaSchema = z.object({
  exportVersion: z.literal(EXPORT_VERSION),
  workflowId: z.string().min(1),
  runId: z.string().nullable(),
  exportedAt: z.iso.datetime(),
  /** Who ran `cordon export` (CORDON_USER or the OS user). */
  exportedBy: z.string().nullable(),
  source: z.string(),
  eventCount: z.number().int(),
  digestAlgorithm: z.string(),
  historySha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ExportMeta = z.infer<typeof exportMetaSchema>;

const exportFileSchema = z.looseObject({
  events: z.array(z.record(z.string(), z.unknown())).min(1, 'a history has at least one event'),
  cordon: z.unknown().optional(),
});

/** The export file's text: the `cordon` record first (readable with `head`), then the events. */
export function exportText(run: RunHistory, exportedBy: string | null, now = new Date()): string {
  if (!run.workflowId) throw new AuditError('an export needs the workflow id of the history');
  const { events } = exportFileSchema.parse(JSON.parse(historyToJSON(run.history)));
  const meta: ExportMeta = {
    exportVersion: EXPORT_VERSION,
    workflowId: run.workflowId,
    runId: run.runId ?? null,
    exportedAt: now.toISOString(),
    exportedBy,
    source: run.source,
    eventCount: events.length,
    digestAlgorithm: DIGEST_ALGORITHM,
    historySha256: historyDigest(run.history),
  };
  return `${JSON.stringify({ cordon: meta, events }, null, 2)}\n`;
}

export interface LoadedExport {
  run: RunHistory;
  /** The `cordon` record, absent in a file the Temporal CLI wrote. */
  meta: ExportMeta | undefined;
  /** The digest of the events as they are in the file now. */
  digest: string;
}

/** Parses an export (ours or the Temporal CLI's); the file name is only for messages. */
export function parseExport(text: string, file: string): LoadedExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AuditError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = exportFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AuditError(`${file} is not a history export: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`);
  }
  let meta: ExportMeta | undefined;
  if (parsed.data.cordon !== undefined) {
    const checked = exportMetaSchema.safeParse(parsed.data.cordon);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new AuditError(`${file}: its "cordon" record is malformed (${issue?.path.join('.')}: ${issue?.message})`);
    }
    meta = checked.data;
  }
  let history: History;
  try {
    history = historyFromJSON({ events: parsed.data.events });
  } catch (error) {
    throw new AuditError(`${file}: the events are not a Temporal history: ${(error as Error).message}`);
  }
  return {
    run: { workflowId: meta?.workflowId, runId: meta?.runId ?? undefined, history, source: file },
    meta,
    digest: historyDigest(history),
  };
}

export async function readExport(file: string): Promise<LoadedExport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AuditError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseExport(text, file);
}

export interface ExportIntegrity {
  ok: boolean;
  message: string;
  expected?: string;
  actual: string;
}

/** Checks that an export's events still hash to the digest it carries. */
export function verifyExport(loaded: LoadedExport): ExportIntegrity {
  const { meta, digest } = loaded;
  if (!meta) {
    return {
      ok: false,
      actual: digest,
      message: `the file carries no cordon integrity record (made by the Temporal CLI?); its history digest is ${digest}`,
    };
  }
  if (meta.historySha256 !== digest) {
    return {
      ok: false,
      expected: meta.historySha256,
      actual: digest,
      message: `the history was changed after export: it was exported with sha256 ${meta.historySha256}, it now hashes to ${digest}`,
    };
  }
  const count = loaded.run.history.events?.length ?? 0;
  if (meta.eventCount !== count) {
    return {
      ok: false,
      expected: meta.historySha256,
      actual: digest,
      message: `the export says ${meta.eventCount} events, it holds ${count}`,
    };
  }
  return {
    ok: true,
    expected: meta.historySha256,
    actual: digest,
    message: `the history of ${meta.workflowId} is intact: ${count} events, sha256 ${digest}`,
  };
}
