/**
 * `cordon audit`: what ran, on whom, for whom, under which playbook version, who approved what and when, and what every
 * call returned, read from workflow histories alone (a closed run needs no worker). Also verifies exports and reports.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AuditError,
  auditJsonSchema,
  buildAudit,
  fetchRunHistory,
  findRuns,
  historyDigest,
  readExport,
  renderHtml,
  renderJson,
  renderText,
  summaryLine,
  verifyExport,
  verifyReport,
  type Audit,
  type RunHistory,
} from '../../audit';
import { verifyDecisionSignatures } from '../../audit/verify-decisions';
import { stringOption, UsageError, defineCommand, type ParsedArgs } from '../command';
import type { CliContext } from '../context';

const FORMATS = ['text', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

function formatOf(args: ParsedArgs): Format {
  const format = stringOption(args, 'format') ?? 'text';
  const known = FORMATS.find((candidate) => candidate === format);
  if (!known) throw new UsageError(`--format takes ${FORMATS.join(', ')}, not ${format}`);
  return known;
}

function limitOf(args: ParsedArgs): number {
  const limit = Number(stringOption(args, 'limit') ?? '100');
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a positive whole number');
  return limit;
}

/** A run's history: from an export file when the argument names one, else from the server by workflow id. */
export async function historyFor(reference: string, context: CliContext, runId?: string): Promise<RunHistory> {
  if (existsSync(reference)) return (await readExport(reference)).run;
  return fetchRunHistory(await context.client(), reference, runId);
}

async function emit(text: string, out: string | undefined, context: CliContext): Promise<void> {
  if (!out) {
    context.out(text.trimEnd());
    return;
  }
  await writeFile(out, text);
  context.err(`wrote ${out}`);
}

function render(audit: Audit, format: Format): string {
  if (format === 'json') return renderJson(audit);
  if (format === 'html') return renderHtml(audit);
  return `${renderText(audit).join('\n')}\n`;
}

function fileNameFor(audit: Audit): string {
  return `${audit.run.workflowId.replace(/[^A-Za-z0-9@._+-]+/g, '_')}__${audit.run.runId ?? 'run'}.html`;
}

async function auditQuery(filter: string, args: ParsedArgs, context: CliContext): Promise<number> {
  const format = formatOf(args);
  const out = stringOption(args, 'out');
  if (format === 'html' && !out)
    throw new UsageError('--format html with --query writes one report per run: give --out DIR');
  const client = await context.client();
  const audits: Audit[] = [];
  for (const ref of await findRuns(client, filter, limitOf(args))) {
    audits.push(buildAudit(await fetchRunHistory(client, ref.workflowId, ref.runId)));
  }
  if (format === 'json') return emit(renderJson(audits), out, context).then(() => 0);
  if (format === 'html' && out) {
    await mkdir(out, { recursive: true });
    for (const audit of audits) await writeFile(path.join(out, fileNameFor(audit)), renderHtml(audit));
    context.out(`wrote ${audits.length} report(s) to ${out}`);
    return 0;
  }
  await emit(audits.length ? audits.map(summaryLine).join('\n') : 'no runs match', out, context);
  return 0;
}

async function verify(file: string, args: ParsedArgs, context: CliContext): Promise<number> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new AuditError(`cannot read ${file}: ${error.message}`);
  });
  const against = stringOption(args, 'history');
  const server = Boolean(args.values.server);
  if (/^\s*<!doctype html/i.test(text)) {
    let digest = against ? (await readExport(against)).digest : undefined;
    const report = verifyReport(text, digest);
    if (report.ok && server && report.workflowId) {
      digest = historyDigest((await fetchRunHistory(await context.client(), report.workflowId, report.runId)).history);
      const checked = verifyReport(text, digest);
      context.out(`${file}: ${checked.message}${checked.ok ? ' (the server holds the same history)' : ''}`);
      return checked.ok ? 0 : 1;
    }
    context.out(`${file}: ${report.message}`);
    return report.ok ? 0 : 1;
  }
  const loaded = await readExport(file);
  const result = verifyExport(loaded);
  context.out(`${file}: ${result.message}`);
  const decisionsOk = result.ok ? await reportDecisionSignatures(loaded.run, context) : true;
  if (!result.ok || !decisionsOk) return 1;
  if (!server || !loaded.meta) return 0;
  const live = historyDigest(
    (await fetchRunHistory(await context.client(), loaded.meta.workflowId, loaded.meta.runId ?? undefined)).history,
  );
  if (live !== loaded.digest) {
    context.out(
      `${file}: the server's history of ${loaded.meta.workflowId} hashes to ${live}, not ${loaded.digest} (changed, or still running)`,
    );
    return 1;
  }
  context.out(`${file}: the server holds the same history`);
  return 0;
}

/** Prints the re-check of every decision's signature; false when one does not hold. */
async function reportDecisionSignatures(run: RunHistory, context: CliContext): Promise<boolean> {
  const checks = await verifyDecisionSignatures(run, {
    people: context.config.people.directory,
    slackSigningSecret: context.config.slack?.signingSecret,
  });
  for (const check of checks) {
    context.out(
      `decision ${check.updateId}: ${check.decision} of step "${check.stepId}" claimed by ${check.claimed}: ${check.outcome} (${check.detail})`,
    );
  }
  return checks.every((check) => check.outcome !== 'invalid');
}

export const auditCommand = defineCommand('audit', {
  usage: [
    'WORKFLOW_ID|EXPORT_FILE [--run-id RUN] [--format text|json|html] [--out FILE]',
    '       cordon audit --query "CordonSubject = \'jane@example.com\'" [--limit N] [--format text|json|html] [--out FILE|DIR]',
    '       cordon audit --verify EXPORT_OR_REPORT [--history EXPORT_FILE] [--server]   (an export: decision signatures too)',
    '       cordon audit WORKFLOW_ID --verify-decisions   (re-check every decision signature it can)',
    '       cordon audit --schema   (the JSON Schema of --format json)',
  ].join('\n'),
  options: {
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    'run-id': { type: 'string' },
    query: { type: 'string', short: 'q' },
    limit: { type: 'string' },
    verify: { type: 'string' },
    history: { type: 'string' },
    server: { type: 'boolean' },
    schema: { type: 'boolean' },
    'verify-decisions': { type: 'boolean' },
  },
  async run(args, context) {
    try {
      if (args.values.schema) {
        context.out(JSON.stringify(auditJsonSchema(), null, 2));
        return 0;
      }
      const toVerify = stringOption(args, 'verify');
      if (toVerify) return await verify(toVerify, args, context);
      const filter = stringOption(args, 'query');
      if (filter) return await auditQuery(filter, args, context);
      const reference = args.positionals[0];
      if (!reference)
        throw new UsageError('name a run (WORKFLOW_ID or an export file), or give --query, --verify or --schema');
      const history = await historyFor(reference, context, stringOption(args, 'run-id'));
      if (args.values['verify-decisions']) return (await reportDecisionSignatures(history, context)) ? 0 : 1;
      const audit = buildAudit(history);
      await emit(render(audit, formatOf(args)), stringOption(args, 'out'), context);
      return 0;
    } catch (error) {
      if (error instanceof AuditError) throw new UsageError(error.message);
      throw error;
    }
  },
});
