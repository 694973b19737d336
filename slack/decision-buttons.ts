/**
 * The Approve and Reject buttons of an approval request and the reason field beside them: their ids, and the reference
 * a button's value carries back to the app when a person clicks it.
 */

/** Action ids of the approval buttons, and the block and action id of the reason field. */
export const APPROVE_ACTION = 'cordon_approve';
export const REJECT_ACTION = 'cordon_reject';
export const REASON_BLOCK = 'cordon_reason';
export const REASON_ACTION = 'reason';

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
