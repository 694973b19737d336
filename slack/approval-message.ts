/**
 * An approval request with its Approve and Reject buttons (replaced by the outcome once decided), the whole request in
 * its thread when the message cannot hold it, and the note when an approval escalates. Pure functions of the run's
 * state, so rendering the same snapshot twice gives the same message.
 */
import type { ApprovalState, RunState } from '../workflows/run-state';
import { context, section, type Block, type SlackMessage } from './block-kit';
import { APPROVE_ACTION, encodeDecision, REASON_ACTION, REASON_BLOCK, REJECT_ACTION } from './decision-buttons';
import { truncate } from '../runs/brief';
import { briefMrkdwn, code, codeBlock, escapeMrkdwn, mention, mentions, plain, slackDate } from './format';
import { approvalCount } from './run-lines';

function decisionLines(approval: ApprovalState): string[] {
  return approval.decisions.map((decision) => {
    const who = decision.via === 'timeout' ? '*the timeout policy*' : mention(decision.approver);
    const verb = decision.decision === 'approve' ? ':white_check_mark: Approved' : ':no_entry: Rejected';
    return `${verb} by ${who} ${slackDate(decision.at)}${decision.reason ? `: ${briefMrkdwn(decision.reason, 500)}` : ''}`;
  });
}

export interface ApprovalMessageOptions {
  /** The copy posted to an escalation channel. */
  escalation?: boolean;
}

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

/** An approval request: the step, its action and impact, the target, what the gate shows, who may decide and by when. */
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
        text: `*${escapeMrkdwn(truncate(label, 200))}*\n${briefMrkdwn(value, SHOWN_VALUE_MAX)}`,
      })),
    });
    const left = entries.length - shown.length;
    if (left > 0 || cut > 0) {
      const parts = [
        ...(left > 0
          ? [
              `${left} more value${left === 1 ? '' : 's'} not shown (${briefMrkdwn(
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
