/**
 * The slash command: `run PLAYBOOK key=value ...`, `status ID`, `list`, `help`. Answers go only to the person who typed
 * the command (ephemeral, through the response_url); a run's progress goes to the channel through the notifier.
 * Nothing starts unless the person may run the playbook and every input fits it, and a run started here carries the
 * command as Slack signed it: the worker verifies it before the run does anything. A serve that cannot verify requests
 * itself does not answer `status` or `list`, which would tell a forger about runs and playbooks.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Directory } from '../activities/run-services';
import type { RunPermissions } from '../config/slack';
import { InputError } from '../dsl';
import type { Plan } from '../dsl/plan';
import { startRun } from '../runs/start-run';
import { statusQuery } from '../workflows/messages';
import type { SignedSlackRequest } from './signed-request';
import { type Block } from './block-kit';
import { statusMessage } from './progress-message';
import { parseCommandText } from './command-text';
import { code, escapeMrkdwn } from './format';
import { mayRun } from './permissions';
import type { PlanSource } from './plans';
import { errorFirstLine } from '../activities/error-message';

/** What the command and button handlers need. */
export interface SlackAppDeps {
  temporal: Client;
  /** Task queue of the workers that run cordon's workflows. */
  taskQueue: string;
  plans: PlanSource;
  /** The configured slash command, for help texts. */
  command: string;
  permissions?: RunPermissions;
  /** Resolves the groups of `permissions`. */
  directory?: Directory;
  /** Where runs without a channel of their own post, to tell people where to look. */
  defaultChannel?: string;
  /** Whether Slack's signature was checked before a handler runs (serve holds the signing secret). */
  verifiesRequests: boolean;
  warn: (message: string) => void;
}

/** The parts of a slash command invocation the handler reads. */
export interface CommandInvocation {
  text: string;
  user_id: string;
  channel_id: string;
  channel_name?: string;
  /** The request as Slack signed it, passed on to a run it starts. */
  signedRequest?: SignedSlackRequest;
}

export interface CommandReply {
  response_type: 'ephemeral';
  text: string;
  blocks?: Block[];
}

const reply = (text: string, blocks?: Block[]): CommandReply => ({
  response_type: 'ephemeral',
  text,
  ...(blocks ? { blocks } : {}),
});

function inputsUsage(plan: Plan): string {
  const entries = Object.entries(plan.inputs);
  if (entries.length === 0) return 'no inputs';
  return entries
    .map(([name, input]) => {
      const type = input.type === 'list' ? `list of ${input.of ?? 'string'}` : input.type;
      const optional = input.required
        ? ''
        : `, optional${input.default !== undefined ? `, default ${JSON.stringify(input.default)}` : ''}`;
      return `${code(name)} (${type}${escapeMrkdwn(optional)})`;
    })
    .join(', ');
}

function help(command: string): string {
  return [
    `*${command}* starts and follows containment playbooks.`,
    `• ${code(`${command} run PLAYBOOK name=value ...`)} starts a playbook (quote values with spaces: ${code('reason="two words"')})`,
    `• ${code(`${command} status RUN_ID`)} shows a run's steps and approvals`,
    `• ${code(`${command} list`)} lists the playbooks and their inputs`,
    `• ${code(`${command} help`)} shows this`,
    'Destructive steps wait for an approver (never the requester), who decides with the buttons on the approval request.',
  ].join('\n');
}

async function list(deps: SlackAppDeps, userId: string): Promise<CommandReply> {
  const plans = await deps.plans.list();
  if (plans.length === 0) return reply('No playbooks are installed.');
  const lines = await Promise.all(
    plans.map(async (plan) => {
      const allowed = (await mayRun(deps.permissions, plan.id, userId, deps.directory, deps.warn)).allowed;
      return `• *${escapeMrkdwn(plan.id)}* — ${escapeMrkdwn(plan.title)}${allowed ? '' : ' _(not open to you)_'}\n   inputs: ${inputsUsage(plan)}`;
    }),
  );
  return reply(`Playbooks (${code(`${deps.command} run PLAYBOOK name=value ...`)}):\n${lines.join('\n')}`);
}

async function status(deps: SlackAppDeps, workflowId: string): Promise<CommandReply> {
  try {
    const state = await deps.temporal.workflow.getHandle(workflowId).query(statusQuery);
    const message = statusMessage(state);
    return reply(message.text, message.blocks);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return reply(`No run ${code(workflowId)}.`);
    throw error;
  }
}

async function run(
  deps: SlackAppDeps,
  invocation: CommandInvocation,
  playbook: string,
  inputs: Record<string, string>,
): Promise<CommandReply> {
  const plan = await deps.plans.get(playbook);
  if (!plan) {
    const known = (await deps.plans.list()).map((candidate) => code(candidate.id));
    return reply(`Nothing started: there is no playbook ${code(playbook)}. Known: ${known.join(', ') || 'none'}.`);
  }
  const permission = await mayRun(deps.permissions, plan.id, invocation.user_id, deps.directory, deps.warn);
  if (!permission.allowed) return reply(`Nothing started: ${escapeMrkdwn(permission.reason)}.`);
  if (!invocation.signedRequest)
    return reply('Nothing started: the request reached cordon without its Slack signature.');
  try {
    const { workflowId, started } = await startRun(deps.temporal, {
      plan,
      inputs,
      requester: invocation.user_id,
      slackRequest: invocation.signedRequest,
      trigger: {
        kind: 'slack',
        source: invocation.channel_name ? `#${invocation.channel_name}` : invocation.channel_id,
        channel: invocation.channel_id,
      },
      taskQueue: deps.taskQueue,
    });
    const where = deps.defaultChannel
      ? `in this channel (or in <#${deps.defaultChannel}> if I cannot post here)`
      : 'in this channel';
    return reply(
      started
        ? `Started ${code(workflowId)} (${escapeMrkdwn(plan.title)}). Progress and approval requests follow ${where}.`
        : `${code(workflowId)} is already running for these inputs; nothing new started. ${code(`${deps.command} status ${workflowId}`)} shows it.`,
    );
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return reply(
      [
        `Nothing started: the inputs do not fit ${code(plan.id)}:`,
        ...error.problems.map((problem) => `• ${escapeMrkdwn(problem)}`),
        `Inputs: ${inputsUsage(plan)}`,
      ].join('\n'),
    );
  }
}

function unverifiable(deps: SlackAppDeps, subcommand: string, cli: string): string {
  return `${code(`${deps.command} ${subcommand}`)} is not answered here: this cordon server does not hold Slack's signing secret, so it cannot tell who asks. Use ${code(cli)}, or the run's messages in its channel.`;
}

/** Answers one invocation; failures reaching Temporal become a reply saying so. */
export async function answerCommand(deps: SlackAppDeps, invocation: CommandInvocation): Promise<CommandReply> {
  const parsed = parseCommandText(invocation.text);
  try {
    switch (parsed.kind) {
      case 'help':
        return reply(help(deps.command));
      case 'invalid':
        return reply(`${escapeMrkdwn(parsed.message)}. ${code(`${deps.command} help`)} shows what I understand.`);
      case 'list':
        if (!deps.verifiesRequests) return reply(unverifiable(deps, 'list', 'cordon'));
        return await list(deps, invocation.user_id);
      case 'status':
        if (!deps.verifiesRequests) return reply(unverifiable(deps, 'status', `cordon status ${parsed.workflowId}`));
        return await status(deps, parsed.workflowId);
      case 'run':
        return await run(deps, invocation, parsed.playbook, parsed.inputs);
    }
  } catch (error) {
    const message = errorFirstLine(error);
    deps.warn(`cordon: ${deps.command} ${parsed.kind} failed: ${message}`);
    return reply(`Something went wrong: ${escapeMrkdwn(message)}. Try again, or use the ${code('cordon')} CLI.`);
  }
}
