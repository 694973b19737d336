/**
 * Block Kit messages of a run: the progress message (one per run, updated in place), an approval request with its
 * Approve and Reject buttons (replaced by the outcome once decided), the final summary, and the texts the slash command
 * answers with. Pure functions of the run's state, so rendering the same snapshot twice gives the same message.
 */
import type { types } from '@slack/bolt';
import type { ApprovalState, RunState, RunStatus, StepState, StepStatus } from '../workflows/run-state';
import { brief, code, codeBlock, escapeMrkdwn, mention, mentions, plain, slackDate, truncate } from './format';

export type Block = types.KnownBlock;

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: Block[];
}

/** Action ids of the approval buttons, and the block and action id of the reason field. */
export const APPROVE_ACTION = 'cordon_approve';
export const REJECT_ACTION = 'cordon_reject';
export const REASON_BLOCK = 'cordon_reason';
export const REASON_ACTION = 'reason';

const STEP_MARK: Record<StepStatus, string> = {
  pending: ':white_circle:',
  waiting_approval: ':raised_hand:',
  running: ':arrow_forward:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
  rejected: ':no_entry:',
  cancelled: ':black_square_for_stop:',
  undone: ':leftwards_arrow_with_hook:',
  undo_failed: ':warning:',
};

const RUN_MARK: Record<RunStatus, string> = {
  running: ':arrow_forward:',
  waiting_approval: ':raised_hand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':black_square_for_stop:',
};

const RUN_WORD: Record<RunStatus, string> = {
  running: 'running',
  waiting_approval: 'waiting for approval',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** What a decision button carries: the run, the step, and the inputs hash the person was shown. */
export interface DecisionReference {
  workflowId: string;
  stepId: string;
  inputsHash: string;
  /** The button is on the escalation channel's copy of the request. */
  escalation?: boolean;
}

export function encodeDecision(reference: DecisionReference): string {
  return JSON.stringify({
    w: reference.workflowId,
    s: reference.stepId,
    h: reference.inputsHash,
    ...(reference.escalation ? { e: 1 } : {}),
  });
}

/** The reference of a button's value, or undefined when the value is not one of ours. */
export function decodeDecision(value: string | undefined): DecisionReference | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { w, s, h, e } = parsed as Record<string, unknown>;
    if (typeof w !== 'string' || typeof s !== 'string' || typeof h !== 'string' || !w || !s || !h) return undefined;
    return { workflowId: w, stepId: s, inputsHash: h, ...(e === 1 ? { escalation: true } : {}) };
  } catch {
    return undefined;
  }
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } };
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }] };
}

export function stepLine(step: StepState): string {
  const items = step.items
    ? ` [${step.items.filter((item) => item.status === 'succeeded').length}/${step.items.length} items]`
    : '';
  const detail = step.error
    ? `${step.error.type}: ${step.error.message}`
    : (step.reason ?? (step.status === 'undone' && step.undo ? `undone by ${step.undo.action}` : ''));
  const status = step.status.replace('_', ' ');
  return `${STEP_MARK[step.status]} ${code(step.id)} ${escapeMrkdwn(step.action)} — *${status}*${items}${detail ? ` — ${brief(detail, 240)}` : ''}`;
}

/** Step lines packed into as few section blocks as fit, at most `maxBlocks`. */
function stepBlocks(steps: StepState[], maxBlocks = 30): Block[] {
  const chunks: string[] = [];
  let current = '';
  let shown = 0;
  for (const step of steps) {
    const line = stepLine(step);
    if (current && current.length + line.length + 1 > 2900) {
      if (chunks.length + 1 >= maxBlocks) break;
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
    shown += 1;
  }
  if (current) chunks.push(current);
  if (shown < steps.length) chunks.push(`_…and ${steps.length - shown} more steps (\`cordon status\` shows all)_`);
  return chunks.map(section);
}

function runHeadline(state: RunState): string {
  const via = `${state.trigger.kind}${state.trigger.source ? ` (${escapeMrkdwn(state.trigger.source)})` : ''}`;
  return [
    `${RUN_MARK[state.status]} *${RUN_WORD[state.status]}* · run ${code(state.workflowId)}`,
    `Requested by ${mention(state.requester)} via ${via}${state.subject ? ` · subject *${escapeMrkdwn(state.subject)}*` : ''}${state.incidentId ? ` · incident ${code(state.incidentId)}` : ''}`,
  ].join('\n');
}

function approvalCount(approval: ApprovalState): string {
  const approved = approval.decisions.filter((decision) => decision.decision === 'approve').length;
  return `${approved} of ${approval.required} approved`;
}

/** The run's one progress message, updated as steps change. */
export function progressMessage(state: RunState): SlackMessage {
  const blocks: Block[] = [
    { type: 'header', text: plain(state.playbook.title, 150) },
    section(runHeadline(state)),
    ...stepBlocks(state.steps),
  ];
  const pending = state.approvals.filter((approval) => approval.status === 'pending');
  if (pending.length > 0) {
    blocks.push(
      context(
        `:raised_hand: Waiting for approval: ${pending.map((approval) => `${code(approval.stepId)} (${approvalCount(approval)}, by ${slackDate(approval.deadline)})`).join(', ')}`,
      ),
    );
  }
  if (state.endedAt) {
    blocks.push(
      section(
        `*Finished:* ${RUN_WORD[state.status]} ${slackDate(state.endedAt)}. Audit it with ${code(`cordon audit ${state.workflowId}`)}.`,
      ),
    );
  }
  blocks.push(
    context(
      `playbook ${code(state.playbook.id)} v${escapeMrkdwn(state.playbook.version)} · sha256 ${code(state.playbook.sha256.slice(0, 12))} · started ${slackDate(state.startedAt)}`,
    ),
  );
  return { text: `${state.playbook.title}: ${RUN_WORD[state.status]} (${state.workflowId})`, blocks };
}

function decisionLines(approval: ApprovalState): string[] {
  return approval.decisions.map((decision) => {
    const who = decision.via === 'timeout' ? '*the timeout policy*' : mention(decision.approver);
    const verb = decision.decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Rejected';
    return `${verb} by ${who} ${slackDate(decision.at)}${decision.reason ? `: ${brief(decision.reason, 500)}` : ''}`;
  });
}

export interface ApprovalMessageOptions {
  /** The copy posted to an escalation channel. */
  escalation?: boolean;
}

/** An approval request: the step, its action and impact, the target, what the gate shows, who may decide and by when. */
/** Where the parts of a request that do not fit in the message are. */
const FULL_REQUEST_HINT = 'the full request is in the thread of this approval request, and `cordon approve` shows it';
/** Slack allows 10 fields in a section. */
const SHOWN_FIELDS = 10;
const SHOWN_VALUE_MAX = 1500;
/** The inputs shown in the message itself; a section's text holds 3,000 characters. */
const INPUTS_SHOWN_MAX = 2600;

function briefLength(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).length;
}

function inputsText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
}

/** The largest prefix of a list whose JSON fits. */
function fittingItems(items: readonly unknown[], max: number): number {
  let count = 0;
  while (count < items.length && inputsText(items.slice(0, count + 1)).length <= max) count += 1;
  return count;
}

/** Whether the approval message shows the whole request (inputs and shown values), or points to the thread. */
export function requestFits(approval: ApprovalState): boolean {
  const shownValues = Object.values(approval.shown);
  return (
    escapeMrkdwn(inputsText(approval.input)).length <= INPUTS_SHOWN_MAX &&
    shownValues.length <= SHOWN_FIELDS &&
    shownValues.every((value) => briefLength(value) <= SHOWN_VALUE_MAX)
  );
}

/** The inputs, whole when they fit; else as much as fits and what was left out, never cut silently. */
function inputsBlocks(input: unknown): Block[] {
  const title = "*Target (the step's inputs)*";
  const whole = inputsText(input);
  if (escapeMrkdwn(whole).length <= INPUTS_SHOWN_MAX) return [section(`${title}\n${codeBlock(input)}`)];
  if (Array.isArray(input)) {
    const count = fittingItems(input, INPUTS_SHOWN_MAX / 1.2);
    return [
      section(`${title}\n${codeBlock(input.slice(0, count), INPUTS_SHOWN_MAX)}`),
      context(
        `:warning: showing ${count} of ${input.length} items; ${input.length - count} more not shown here: ${FULL_REQUEST_HINT}`,
      ),
    ];
  }
  return [
    section(`${title}\n${codeBlock(whole.slice(0, INPUTS_SHOWN_MAX / 1.2), INPUTS_SHOWN_MAX)}`),
    context(
      `:warning: showing the first ${Math.floor(INPUTS_SHOWN_MAX / 1.2)} of ${whole.length} characters of the inputs: ${FULL_REQUEST_HINT}`,
    ),
  ];
}

/**
 * The whole request, for the thread of an approval message that could not hold it: every input and every piece of
 * shown values, in as many messages as it takes, each naming the hash that binds them.
 */
export function fullRequestMessages(state: RunState, approval: ApprovalState): SlackMessage[] {
  const text = inputsText({ inputs: approval.input, shown: approval.shown });
  const escaped = escapeMrkdwn(text).replace(/```/g, '`\u200b``');
  const chunks: string[] = [];
  // Cut on characters of the escaped text, never inside an entity like &amp;.
  let rest = escaped;
  while (rest.length > 0) {
    let end = Math.min(rest.length, 2800);
    const entity = rest.lastIndexOf('&', end);
    if (end < rest.length && entity > end - 6) end = entity;
    chunks.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  const perMessage = 40;
  const messages: SlackMessage[] = [];
  for (let start = 0; start < chunks.length; start += perMessage) {
    const part = messages.length + 1;
    const parts = Math.ceil(chunks.length / perMessage);
    messages.push({
      text: `Full request of step ${approval.stepId} (${state.workflowId}), part ${part} of ${parts}`,
      blocks: [
        context(
          `The full request of step ${code(approval.stepId)}, part ${part} of ${parts}: the inputs hash ${code(approval.inputsHash)} binds all of it.`,
        ),
        ...chunks.slice(start, start + perMessage).map((chunk) => section(`\`\`\`${chunk}\`\`\``)),
      ],
    });
  }
  return messages;
}

export function approvalMessage(
  state: RunState,
  approval: ApprovalState,
  options: ApprovalMessageOptions = {},
): SlackMessage {
  const title = `${options.escalation ? 'Escalated approval' : 'Approval'}: ${approval.stepId}`;
  const blocks: Block[] = [
    { type: 'header', text: plain(title, 150) },
    section(
      [
        `${mention(state.requester)} asks to run ${code(approval.action)} (*${approval.impact}*) as step ${code(approval.stepId)} of *${escapeMrkdwn(state.playbook.title)}*.`,
        `Run ${code(state.workflowId)}${state.subject ? ` · subject *${escapeMrkdwn(state.subject)}*` : ''}`,
      ].join('\n'),
    ),
    ...inputsBlocks(approval.input),
  ];
  if (approval.effects && approval.effects.length > 0) {
    // What the decision will change, from reads made when it was requested; the hash binds it with the inputs.
    blocks.push(
      section(
        truncate(
          [
            '*What it will change*',
            ...approval.effects.map((effect) => `• ${code(effect.stepId)}: ${escapeMrkdwn(effect.summary)}`),
          ].join('\n'),
          INPUTS_SHOWN_MAX,
        ),
      ),
    );
  }
  const entries = Object.entries(approval.shown);
  if (entries.length > 0) {
    const shown = entries.slice(0, SHOWN_FIELDS);
    const cut = shown.filter(([, value]) => briefLength(value) > SHOWN_VALUE_MAX).length;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Shown*' },
      fields: shown.map(([label, value]) => ({
        type: 'mrkdwn' as const,
        text: `*${escapeMrkdwn(truncate(label, 200))}*\n${brief(value, SHOWN_VALUE_MAX)}`,
      })),
    });
    const left = entries.length - shown.length;
    if (left > 0 || cut > 0) {
      const parts = [
        ...(left > 0
          ? [
              `${left} more value${left === 1 ? '' : 's'} not shown (${brief(
                entries
                  .slice(SHOWN_FIELDS)
                  .map(([label]) => label)
                  .join(', '),
                400,
              )})`,
            ]
          : []),
        ...(cut > 0 ? [`${cut} value${cut === 1 ? '' : 's'} shortened`] : []),
      ];
      blocks.push(context(`:warning: ${parts.join('; ')}: ${FULL_REQUEST_HINT}`));
    }
  }
  const approved = approval.decisions.filter((decision) => decision.decision === 'approve').map((d) => d.approver);
  blocks.push(
    section(
      [
        `*Approvers* (${approval.required} needed${approval.escalated ? ', escalated' : ''}): ${mentions(approval.approvers)}`,
        `*Deadline* ${slackDate(approval.deadline)}`,
        ...(approval.required > 1 || approved.length > 0
          ? [`*Approved so far* (${approvalCount(approval)}): ${approved.length ? mentions(approved) : '_nobody yet_'}`]
          : []),
      ].join('\n'),
    ),
  );

  if (approval.status === 'pending') {
    const value = encodeDecision({
      workflowId: state.workflowId,
      stepId: approval.stepId,
      inputsHash: approval.inputsHash,
      escalation: options.escalation,
    });
    blocks.push(
      {
        type: 'input',
        block_id: REASON_BLOCK,
        optional: true,
        label: plain('Reason (optional to approve, required to reject)', 2000),
        element: { type: 'plain_text_input', action_id: REASON_ACTION, max_length: 500 },
      },
      {
        type: 'actions',
        block_id: 'cordon_decision',
        elements: [
          { type: 'button', action_id: APPROVE_ACTION, style: 'primary', text: plain('Approve', 75), value },
          { type: 'button', action_id: REJECT_ACTION, style: 'danger', text: plain('Reject', 75), value },
        ],
      },
    );
  } else {
    blocks.push(section(decisionLines(approval).join('\n') || `*${approval.status}*`));
  }
  blocks.push(
    context(
      `inputs hash ${code(approval.inputsHash.slice(0, 16))} · from a terminal: ${code(`cordon ${approval.status === 'pending' ? 'approve' : 'status'} ${state.workflowId}${approval.status === 'pending' ? ` ${approval.stepId}` : ''}`)}`,
    ),
  );
  const outcome = approval.status === 'pending' ? 'needs approval' : approval.status;
  return {
    text: `${state.playbook.title}: step ${approval.stepId} (${approval.action}) ${outcome} (${state.workflowId})`,
    blocks,
  };
}

/** The thread note when an approval escalates and no escalation channel is set. */
export function escalationNotice(state: RunState, approval: ApprovalState): SlackMessage {
  const text = `:rotating_light: Step ${code(approval.stepId)} still needs approval; escalated to ${mentions(approval.approvers)}, deadline ${slackDate(approval.deadline)}.`;
  return { text: `Approval of ${approval.stepId} escalated (${state.workflowId})`, blocks: [section(text)] };
}

/** The final reply in the run's thread. */
export function summaryMessage(state: RunState): SlackMessage {
  const counts = new Map<string, number>();
  for (const step of state.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const tally = [...counts].map(([status, count]) => `${count} ${status.replace('_', ' ')}`).join(', ');
  const problems = state.steps.filter((step) => ['failed', 'undo_failed', 'rejected'].includes(step.status));
  const lines = [
    `${RUN_MARK[state.status]} Run ${code(state.workflowId)} *${RUN_WORD[state.status]}*${state.endedAt ? ` ${slackDate(state.endedAt)}` : ''}: ${tally}.`,
    ...problems.map(stepLine),
    `Audit: ${code(`cordon audit ${state.workflowId}`)} · status: ${code(`cordon status ${state.workflowId}`)}`,
  ];
  return {
    text: `${state.playbook.title}: ${RUN_WORD[state.status]} (${state.workflowId})`,
    blocks: [section(lines.join('\n'))],
  };
}

/** `/cordon status`: the progress message and the pending approvals, in brief. */
export function statusMessage(state: RunState): SlackMessage {
  const progress = progressMessage(state);
  const pending = state.approvals.filter((approval) => approval.status === 'pending');
  const blocks = [...progress.blocks];
  for (const approval of pending) {
    blocks.push(
      section(
        `:raised_hand: ${code(approval.stepId)} (${code(approval.action)}) waits for ${mentions(approval.approvers)} (${approvalCount(approval)}) until ${slackDate(approval.deadline)}`,
      ),
    );
  }
  return { text: progress.text, blocks: blocks.slice(0, 50) };
}
