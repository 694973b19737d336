/**
 * `cordon.child_workflow_id`: the id a child workflow named after what it follows (`takedown-monitor/<domain>`) is
 * started under. Decided by the worker, which holds the codec's keys that workflow code must never see: a keyed
 * pseudonym with the codec on, the readable id without (see runs/pseudonymous-ids.ts).
 */
import { Context } from '@temporalio/activity';
import { idToStart } from '../runs/pseudonymous-ids';

export interface ChildWorkflowIdServices {
  /** The id to start the child `readableId` names under; that of one still running under an older id, if any. */
  'cordon.child_workflow_id'(readableId: string): Promise<string>;
}

export function createChildWorkflowIdServices(): ChildWorkflowIdServices {
  return {
    'cordon.child_workflow_id': async (readableId) => {
      if (typeof readableId !== 'string' || readableId === '') throw new TypeError('a child workflow id is a string');
      return idToStart(Context.current().client, readableId);
    },
  };
}
