/**
 * Integrity of audit artefacts.
 *
 * The history digest names one history whatever its JSON spelling: sha256 of the canonical JSON (object keys sorted,
 * no whitespace) of the proto3 JSON form of `{"events": [...]}`, as `historyToJSON` writes it. A history read from the
 * server, from our export, or from `temporal workflow show --output json` gives the same digest (the CLI orders map
 * keys differently, which canonical JSON erases).
 *
 * An export carries the digest of its own events (`cordon.historySha256`); an HTML report carries the digest of the
 * history it was made from and a seal over its own text (`cordon-report-sha256`: sha256 of the document with that
 * meta tag's content emptied). `cordon audit --verify` recomputes both. A digest shows that nothing changed since the
 * file was written, not who wrote it: against a deliberate forger, compare with the server's history
 * (`--verify FILE --server`) or sign the file.
 */
import { createHash } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { hashValue } from '../dsl/canonical-json';
import type { History } from './history';

export const DIGEST_ALGORITHM = 'sha256 of canonical proto3 JSON of {"events": [...]}, v1';

export function historyDigest(history: History): string {
  return hashValue(JSON.parse(historyToJSON(history)));
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export const REPORT_SEAL_NAME = 'cordon-report-sha256';
export const REPORT_HISTORY_NAME = 'cordon-history-sha256';
export const REPORT_WORKFLOW_NAME = 'cordon-workflow-id';
export const REPORT_RUN_NAME = 'cordon-run-id';
const EMPTY_SEAL = `<meta name="${REPORT_SEAL_NAME}" content="">`;
const SEAL = new RegExp(`<meta name="${REPORT_SEAL_NAME}" content="([0-9a-f]{64})">`, 'g');

/** The empty seal a renderer puts in the document's head, filled by `sealReport`. */
export function emptySeal(): string {
  return EMPTY_SEAL;
}

/** Fills the report's seal with the sha256 of the document as it is with the seal empty. */
export function sealReport(html: string): string {
  if (html.split(EMPTY_SEAL).length !== 2) throw new Error('a report must hold exactly one empty seal to be sealed');
  return html.replace(EMPTY_SEAL, `<meta name="${REPORT_SEAL_NAME}" content="${sha256Text(html)}">`);
}

export interface ReportIntegrity {
  ok: boolean;
  message: string;
  /** The history digest the report says it was made from. */
  historySha256?: string;
  workflowId?: string;
  runId?: string;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function metaContent(html: string, name: string): string | undefined {
  const raw = new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1];
  return raw?.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Checks a report's seal; with `history`, also that the report was made from that history. */
export function verifyReport(html: string, historySha256?: string): ReportIntegrity {
  const seals = [...html.matchAll(SEAL)];
  const claimed = metaContent(html, REPORT_HISTORY_NAME);
  const workflowId = metaContent(html, REPORT_WORKFLOW_NAME);
  const runId = metaContent(html, REPORT_RUN_NAME) || undefined;
  if (seals.length !== 1 || !seals[0]) {
    return { ok: false, message: `the report has ${seals.length} seals (${REPORT_SEAL_NAME}); expected exactly one` };
  }
  const [tag, sealed] = seals[0];
  const actual = sha256Text(html.replace(tag, EMPTY_SEAL));
  if (actual !== sealed) {
    return {
      ok: false,
      message: `the report was changed after it was made: its seal says ${sealed}, its content hashes to ${actual}`,
      historySha256: claimed,
      workflowId,
      runId,
    };
  }
  if (historySha256 && claimed !== historySha256) {
    return {
      ok: false,
      message: `the report was made from history ${claimed ?? '(none)'}, not from the given history ${historySha256}`,
      historySha256: claimed,
      workflowId,
      runId,
    };
  }
  return {
    ok: true,
    message: `the report is intact${historySha256 ? ' and was made from the given history' : ''} (history sha256 ${claimed})`,
    historySha256: claimed,
    workflowId,
    runId,
  };
}
