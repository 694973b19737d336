/**
 * The run's progress message (one per run, updated in place as steps change) and the `/cordon status` answer built on
 * it. Pure functions of the run's state, so rendering the same snapshot twice gives the same message.
 */
import { heldSteps, type HeldStep } from '../runs/held-steps';
import { limitApprovalId } from '../workflows/limit-approvals';
import type { RunState, StepState } from '../workflows/run-state';
import { context, section, type Block, type SlackMessage } from './block-kit';
import { code, escapeMrkdwn, mention, mentions, plain, slackDate } from './format';
import { approvalCount, RUN_MARK, RUN_WORD, stepLine } from './run-lines';

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

/**
 * A governor hold: which limit holds how many items of which step, and when the hold ends (when the window has room,
 * sooner if the limit is raised or an approval names it, and when the changes fail at the latest).
 */
function holdLine(held: HeldStep): string {
  const what = held.each
    ? `${held.waiting} item${held.waiting === 1 ? '' : 's'} of ${code(held.stepId)} wait`
    : `step ${code(held.stepId)} waits`;
  const room = held.roomAt ? `room again ${slackDate(held.roomAt)}` : 'no room until the limit is raised';
  const sooner = `sooner with ${code(`cordon limits set ${held.limit} COUNT --reason …`)} or an approval of ${code(limitApprovalId(held.stepId, held.limit))}`;
  const fails = held.failsAt ? ` They fail \`LimitReached\` ${slackDate(held.failsAt)} at the latest.` : '';
  return `:hourglass_flowing_sand: Held by the limit ${escapeMrkdwn(held.description)}: ${what}, since ${slackDate(held.since)}; ${room} (${sooner}).${fails}`;
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
  if (!state.endedAt) blocks.push(...heldSteps(state).map((held) => context(holdLine(held))));
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
