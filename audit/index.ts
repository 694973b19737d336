/**
 * Audits of cordon runs, read from workflow histories alone: a typed timeline (`buildAudit`), its text, JSON and HTML
 * renderings, history exports in the Temporal CLI's JSON format with an integrity record, replay against today's
 * workflow code, and verification of exports and reports.
 */
export { AuditError, eventIdOf, fetchRunHistory, type History, type RunHistory } from './history';
export { buildAudit } from './timeline';
export { AUDIT_VERSION, auditJsonSchema, auditSchema, type Audit, type AuditApproval, type AuditStep } from './model';
export { renderText, summaryLine } from './render-text';
export { renderJson } from './render-json';
export { escapeHtml, renderHtml } from './render-html';
export { exportText, parseExport, readExport, verifyExport, type ExportMeta, type LoadedExport } from './export';
export { historyDigest, verifyReport } from './integrity';
export { divergenceOf, replayHistories, replayLine, type ReplayInput, type ReplayOutcome } from './replay';
export { isSecretKey, redactSource, redactText, redactValue, REDACTED } from './redact';
export { findRuns, type RunRef } from './query';
