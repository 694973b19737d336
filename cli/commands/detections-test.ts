/**
 * `cordon detections test SOURCE FILE`: replays a saved event through the trigger matching, saying which playbooks it
 * would start and with which inputs. Starts nothing and needs no server.
 */
import { readFile } from 'node:fs/promises';
import { eventsFromFile, EventFormatError, type DetectionEvent } from '../../detections/detection-event';
import { loadPlaybookDir } from '../../detections/load-plans';
import { matchEvent, type EventMatches } from '../../detections/trigger-matcher';
import { requirePositional, UsageError, type ParsedArgs } from '../command';
import type { CliContext } from '../context';
import { sourcePath, sourceProblem } from './detections-list';

async function readEvents(source: string, file: string): Promise<DetectionEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return eventsFromFile(source, body);
  } catch (error) {
    if (error instanceof EventFormatError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

function printEvent(context: CliContext, event: DetectionEvent, result: EventMatches, seen: Map<string, string>): void {
  context.out(`event ${event.id}${event.type ? ` (${event.type})` : ''}`);
  for (const match of result.matches) {
    const earlier = seen.get(match.workflowId);
    const verb = earlier ? `would join the run of event ${earlier}:` : 'would start';
    if (!earlier) seen.set(match.workflowId, event.id);
    context.out(`  ${verb} ${match.plan.id} (trigger ${match.trigger + 1}) as ${match.workflowId}`);
    context.out(`    inputs: ${JSON.stringify(match.inputs)}`);
  }
  for (const refusal of result.refusals) {
    context.out(`  refused by ${refusal.plan.id} (trigger ${refusal.trigger + 1}): its inputs do not fit`);
    refusal.problems.forEach((problem) => context.out(`    ${problem}`));
  }
  for (const error of result.errors) {
    context.out(
      `  ${error.plan.id} (trigger ${error.trigger + 1}): condition not evaluable on this event, no match: ${error.reason}`,
    );
  }
  if (result.matches.length + result.refusals.length === 0) context.out('  matches no trigger');
}

/** `args.positionals` are `test SOURCE FILE`. */
export async function testDetections(args: ParsedArgs, context: CliContext): Promise<number> {
  const source = requirePositional(args, 1, 'SOURCE (okta or a webhook source name)');
  const file = requirePositional(args, 2, 'FILE (a saved event as JSON)');
  const events = await readEvents(source, file);
  const { plans, failures } = await loadPlaybookDir(context.config.playbooksDir, context.registry);
  for (const failure of failures) failure.issues.forEach((issue) => context.err(issue));
  const indicators = context.config.hooks.indicators;
  const results = events.map((event) => ({ event, result: matchEvent(plans, event, indicators) }));
  if (args.values.json) {
    const rows = results.map(({ event, result }) => ({
      eventId: event.id,
      eventType: event.type ?? null,
      wouldStart: result.matches.map((m) => ({ playbook: m.plan.id, workflowId: m.workflowId, inputs: m.inputs })),
      refused: result.refusals.map((r) => ({ playbook: r.plan.id, problems: r.problems })),
      errors: result.errors.map((e) => ({ playbook: e.plan.id, reason: e.reason })),
    }));
    context.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  context.out(
    `${events.length} event(s) from ${source} in ${file}, against ${plans.length} playbook(s) in ${context.config.playbooksDir}; nothing is started`,
  );
  const problem = sourceProblem(source, context.config.hooks);
  if (problem) context.out(`note: deliveries to POST ${sourcePath(source)} would be refused: ${problem}`);
  const seen = new Map<string, string>();
  for (const { event, result } of results) printEvent(context, event, result, seen);
  const runs = seen.size;
  const refused = results.reduce((count, { result }) => count + result.refusals.length, 0);
  context.out(
    `${runs} run(s) would start or be joined${refused ? `, ${refused} match(es) refused for their inputs` : ''}`,
  );
  return 0;
}
