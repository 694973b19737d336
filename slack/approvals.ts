/**
 * Approve and Reject clicks. A click becomes the run's `decide` Update with the clicker's Slack user id, the inputs
 * hash the button carries, and the raw signed request; the run decides whether it counts (the worker verifies Slack's
 * signature and who clicked, then: an approver, not the requester or the subject, the step still waiting, the hash
 * current, a reason for a rejection). A refusal is told only to the clicker; an accepted
 * decision updates the clicked message at once (the run's own notification follows, and renders the same).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { decide, DecisionRefusedError } from '../runs/decide';
import { statusQuery } from '../workflows/messages';
import type { ApprovalState, RunState } from '../workflows/run-state';
import { approvalMessage } from './approval-message';
import { type SlackMessage } from './block-kit';
import { decodeDecision } from './decision-buttons';
import type { SlackAppDeps } from './commands';
import { code } from './format';
import type { SignedSlackRequest } from './signed-request';
import { errorFirstLine } from '../activities/error-message';

export interface Click {
  decision: 'approve' | 'reject';
  userId: string;
  /** The button's value. */
  value: string | undefined;
  /** What the clicker typed in the reason field. */
  reason: string | undefined;
  /** The request as Slack signed it; the worker verifies it again before the click counts. */
  signedRequest: SignedSlackRequest | undefined;
}

export type ClickOutcome =
  | { kind: 'recorded'; approval: ApprovalState; state?: RunState; message?: SlackMessage }
  | { kind: 'refused'; text: string };

function refused(text: string): ClickOutcome {
  return { kind: 'refused', text };
}

/** Records a click as a decision, or says why it does not count. */
export async function decideFromClick(deps: SlackAppDeps, click: Click): Promise<ClickOutcome> {
  const reference = decodeDecision(click.value);
  if (!reference)
    return refused('Not recorded: this button does not carry a cordon approval (an old or foreign message).');
  const { workflowId, stepId } = reference;
  if (!click.signedRequest) return refused('Not recorded: the request reached cordon without its Slack signature.');
  let approval: ApprovalState;
  try {
    approval = await decide(deps.temporal, workflowId, {
      stepId,
      decision: click.decision,
      approver: click.userId,
      inputsHash: reference.inputsHash,
      reason: click.reason?.trim() || undefined,
      proof: { kind: 'slack', ...click.signedRequest },
    });
  } catch (error) {
    if (error instanceof DecisionRefusedError) {
      const hint = /reason/.test(error.message) ? ' Type it in the reason field, then click Reject again.' : '';
      return refused(`Not recorded: ${error.message}.${hint}`);
    }
    if (error instanceof WorkflowNotFoundError)
      return refused(`Not recorded: run ${code(workflowId)} has ended or does not exist.`);
    const message = errorFirstLine(error);
    deps.warn(`cordon: a ${click.decision} of ${workflowId} step ${stepId} by ${click.userId} failed: ${message}`);
    return refused(
      `Not recorded: cordon could not reach the run (${message}). Try again, or use ${code(`cordon ${click.decision} ${workflowId} ${stepId}`)}.`,
    );
  }
  try {
    const state = await deps.temporal.workflow.getHandle(workflowId).query(statusQuery);
    const current = state.approvals.find((candidate) => candidate.stepId === stepId) ?? approval;
    return {
      kind: 'recorded',
      approval: current,
      state,
      message: approvalMessage(state, current, { escalation: reference.escalation }),
    };
  } catch (error) {
    deps.warn(
      `cordon: decision recorded, but the status of ${workflowId} could not be read: ${(error as Error).message}`,
    );
    return { kind: 'recorded', approval };
  }
}
