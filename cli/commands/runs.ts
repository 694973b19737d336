/** Commands about existing runs: status, list, approve, reject, cancel. */
import { createInterface } from 'node:readline/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { KeyFileError, loadKeyFile, type DecisionKey } from '../../people/key-file';
import { decideWithKey, DecisionRefusedError, pendingApprovalOf } from '../../runs/decide';
import { existingId } from '../../runs/pseudonymous-ids';
import { rateLimitWaits } from '../../runs/rate-limit-waits';
import { SUBJECT } from '../../temporal/search-attributes';
import { chunkHolds } from '../../runs/chunk-holds';
import { statusQuery } from '../../workflows/messages';
import type { ApprovalState } from '../../workflows/run-state';
import { takedownMonitorStatusQuery } from '../../workflows/takedown-monitor-messages';
import type { takedownMonitor } from '../../workflows/takedown-monitor';
import type { TakedownMonitorSummary } from '../../workflows/takedown-monitor-state';
import { monitorBrief, monitorLines } from '../monitor-lines';
import { requirePositional, stringOption, UsageError, defineCommand, type Command, type ParsedArgs } from '../command';
import type { CliContext } from '../context';
import { runLines } from '../render';

/** The workflow types `cordon status` knows: a playbook run, and the takedown monitor a run leaves behind. */
const RUN_TYPE = 'runPlaybook';
const MONITOR_TYPE = 'takedownMonitor';

/** A monitor's summary: its result once it completed (no worker needed), else what its query says. */
async function monitorSummary(
  client: Client,
  workflowId: string,
  runId: string | undefined,
  status: string,
): Promise<TakedownMonitorSummary> {
  const handle = client.workflow.getHandle<typeof takedownMonitor>(workflowId, runId);
  return status === 'COMPLETED' ? handle.result() : handle.query(takedownMonitorStatusQuery);
}

async function describeOrExplain(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new UsageError(`no workflow ${workflowId}`);
    throw error;
  }
}

export const statusCommand = defineCommand('status', {
  usage: 'WORKFLOW_ID [--json]',
  options: { json: { type: 'boolean' } },
  async run(args, context) {
    const client = await context.client();
    // `takedown-monitor/<domain>` finds the monitor under its pseudonym too, when the payload codec is on.
    const workflowId = await existingId(client, requirePositional(args, 0, 'WORKFLOW_ID'));
    const { handle, description } = await describeOrExplain(client, workflowId);
    if (description.type === MONITOR_TYPE) {
      const summary = await monitorSummary(client, workflowId, description.runId, description.status.name);
      if (args.values.json) context.out(JSON.stringify(summary, null, 2));
      else monitorLines(workflowId, summary).forEach((line) => context.out(line));
      return 0;
    }
    if (description.type !== RUN_TYPE) {
      throw new UsageError(
        `${workflowId} is a ${description.type} workflow, not a cordon run or takedown monitor; ` +
          '`cordon list` shows those',
      );
    }
    const queried = await handle.query(statusQuery);
    // Changes held inside the chunks of a large forEach are the chunks' own: shown with the run's.
    const inChunks = queried.endedAt ? [] : await chunkHolds(client, queried);
    const holds = [...(queried.holds ?? []), ...inChunks];
    const state = holds.length > 0 ? { ...queried, holds } : queried;
    const waits = state.endedAt ? [] : await rateLimitWaits(handle);
    if (args.values.json)
      context.out(JSON.stringify(waits.length > 0 ? { ...state, rateLimitWaits: waits } : state, null, 2));
    else {
      runLines(state).forEach((line) => context.out(line));
      waits.forEach((wait) => context.out(`  ${wait.activityId}: ${wait.message} [${wait.bucket}]`));
    }
    return 0;
  },
});

export const listCommand = defineCommand('list', {
  usage: '[--query "CordonSubject = \'alice@example.com\'"] [--limit N]',
  options: { query: { type: 'string', short: 'q' }, limit: { type: 'string' } },
  async run(args, context) {
    const client = await context.client();
    const filter = stringOption(args, 'query');
    const limit = Number(stringOption(args, 'limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit takes a positive whole number');
    const query = `(CordonPlaybook IS NOT NULL OR WorkflowType = '${MONITOR_TYPE}')${filter ? ` AND (${filter})` : ''}`;
    let count = 0;
    for await (const run of client.workflow.list({ query })) {
      const subject = run.typedSearchAttributes.get(SUBJECT);
      const about =
        run.type === MONITOR_TYPE
          ? await monitorSummary(client, run.workflowId, run.runId, run.status.name).then(
              monitorBrief,
              () => 'takedown monitor (no worker answers its query)',
            )
          : subject;
      context.out(
        `${run.startTime.toISOString()}  ${run.status.name.padEnd(10)}  ${run.workflowId}${about ? `  (${about})` : ''}`,
      );
      if (++count >= limit) break;
    }
    if (count === 0) context.out('no runs');
    return 0;
  },
});

/** Shows exactly what a decision binds: the step, its inputs (in full) and what the gate shows, and their hash. */
function showRequest(workflowId: string, approval: ApprovalState, context: CliContext): void {
  context.out(`step "${approval.stepId}" of ${workflowId}: ${approval.action} (${approval.impact})`);
  context.out(`inputs:\n${JSON.stringify(approval.input, null, 2)}`);
  if (Object.keys(approval.shown).length > 0) context.out(`shown:\n${JSON.stringify(approval.shown, null, 2)}`);
  if (approval.effects) {
    context.out('what it will change (the hash binds this too):');
    for (const effect of approval.effects) context.out(`  ${effect.stepId}: ${effect.summary}`);
  }
  context.out(`inputs hash: ${approval.inputsHash}`);
}

/** Asks on the terminal; true when the person typed the decision's word. */
async function confirmed(decision: 'approve' | 'reject', stepId: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Type "${decision}" to ${decision} step "${stepId}" with these inputs: `);
    return answer.trim() === decision;
  } finally {
    prompt.close();
  }
}

function decisionCommand(decision: 'approve' | 'reject'): Command {
  return defineCommand(decision, {
    usage: `WORKFLOW_ID STEP ${decision === 'reject' ? '--reason TEXT' : '[--reason TEXT]'} [--hash INPUTS_HASH] [--key PATH]`,
    options: { as: { type: 'string' }, reason: { type: 'string' }, hash: { type: 'string' }, key: { type: 'string' } },
    async run(args: ParsedArgs, context: CliContext) {
      const workflowId = requirePositional(args, 0, 'WORKFLOW_ID');
      const stepId = requirePositional(args, 1, 'STEP');
      if (stringOption(args, 'as') !== undefined) {
        throw new UsageError(
          '--as is gone: a decision is signed with your own key (cordon keys init), which says who you are',
        );
      }
      const reason = stringOption(args, 'reason');
      if (decision === 'reject' && !reason?.trim()) throw new UsageError('a rejection needs --reason TEXT');
      let key: DecisionKey;
      try {
        key = loadKeyFile(stringOption(args, 'key') ?? context.config.people.keyFile);
      } catch (error) {
        if (error instanceof KeyFileError) throw new UsageError(error.message);
        throw error;
      }
      const client = await context.client();
      const pending = await pendingApprovalOf(client, workflowId, stepId);
      showRequest(workflowId, pending, context);
      const hash = stringOption(args, 'hash');
      if (hash !== undefined) {
        if (hash !== pending.inputsHash) {
          throw new DecisionRefusedError(
            `the inputs changed: --hash ${hash.slice(0, 16)}… is not the step's current hash ${pending.inputsHash.slice(0, 16)}…; look at the inputs again`,
          );
        }
      } else if (!process.stdin.isTTY) {
        throw new UsageError(
          `no terminal to confirm on: check the inputs above, then run again with --hash ${pending.inputsHash}`,
        );
      } else if (!(await confirmed(decision, stepId))) {
        context.err('not confirmed; nothing was sent');
        return 1;
      }
      const approver = context.config.people.directory.byKey(key.publicKey)?.id ?? context.user;
      const approval = await decideWithKey(client, workflowId, key, {
        stepId,
        decision,
        approver,
        reason,
        inputsHash: pending.inputsHash,
      });
      const counted = approval.decisions.at(-1);
      context.out(
        `step "${stepId}" of ${workflowId}: ${decision}d by ${counted?.person ?? approver} (${counted?.verification ?? 'signed'}); the step is now ${approval.status}`,
      );
      // Say exactly what the decision was about: the inputs bound by the hash.
      context.out(`  inputs (sha256 ${approval.inputsHash}): ${JSON.stringify(approval.input)}`);
      return 0;
    },
  });
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');

export const cancelCommand = defineCommand('cancel', {
  usage: 'WORKFLOW_ID',
  async run(args, context) {
    const client = await context.client();
    // As `status`: a monitor is found by `takedown-monitor/<domain>` under its pseudonym too.
    const workflowId = await existingId(client, requirePositional(args, 0, 'WORKFLOW_ID'));
    await client.workflow.getHandle(workflowId).cancel();
    context.out(`cancellation of ${workflowId} requested`);
    return 0;
  },
});
