/**
 * Who approved the step a report is sent from, so the report can name them (abuse desks ask whom to talk to). The
 * approval is decided after the step's inputs are bound, so it cannot be an input: it is read from the run itself.
 */
import { Context } from '@temporalio/activity';
import { statusQuery } from '../../workflows/messages';
import type { ActionContext } from '../action';
import { errorMessage } from '../error-message';

/** The approvers of the step running in `context`; empty when the run cannot say (a test, a chunk workflow). */
export type ApproverLookup = (context: ActionContext) => Promise<string[]>;

/** The step of an activity id: `takedown[3]` → `takedown`. */
function stepOf(activityId: string): string {
  return activityId.replace(/\[\d+\]$/, '');
}

/** Asks the run (its status query) through the worker's client, from inside the activity. */
export const approversFromRun: ApproverLookup = async (context) => {
  let client;
  try {
    client = Context.current().client;
  } catch {
    return []; // an activity environment without a client
  }
  try {
    const state = await client.workflow.getHandle(context.workflowId).query(statusQuery);
    const stepId = stepOf(context.activityId);
    return state.approvals
      .filter((approval) => approval.stepId === stepId && approval.status === 'approved')
      .flatMap((approval) => approval.decisions)
      .filter((decision) => decision.decision === 'approve')
      .map((decision) => (decision.via === 'timeout' ? 'nobody (approved on timeout)' : decision.approver));
  } catch (error) {
    const message = errorMessage(error);
    context.log.warn(`cannot read the approvers of ${context.workflowId}: ${message}`);
    return [];
  }
};
