/** Terminal rendering of runs: one line per step, approvals with the command that decides them. */
import { brief } from '../runs/brief';
import { STEP_MARKS } from '../runs/step-marks';
import { heldSteps } from '../runs/held-steps';
import { itemsProgress, stepProblem } from '../runs/step-progress';
import type { ApprovalState, RunState, StepState } from '../workflows/run-state';

export function stepLine(step: StepState): string {
  const detail = stepProblem(step) ?? (step.status === 'succeeded' ? brief(step.output, 100) : '');
  return `  ${STEP_MARKS[step.status]} ${step.id.padEnd(18)} ${step.action.padEnd(24)} ${step.status}${itemsProgress(step)}${detail ? `  ${detail}` : ''}`;
}

export function approvalLines(state: RunState, approval: ApprovalState): string[] {
  const approved = approval.decisions.filter((decision) => decision.decision === 'approve').map((d) => d.approver);
  return [
    `  step "${approval.stepId}" (${approval.action}, ${approval.impact}) waits for ${approval.required} approval(s) from: ${approval.approvers.join(', ') || '(nobody resolved!)'}`,
    `    inputs: ${brief(approval.input, 300)}`,
    ...(approval.effects ?? []).map((effect) => `    will change (${effect.stepId}): ${brief(effect.summary, 300)}`),
    ...Object.entries(approval.shown).map(([label, value]) => `    ${label}: ${brief(value, 300)}`),
    ...(approved.length ? [`    approved so far by: ${approved.join(', ')}`] : []),
    `    deadline ${approval.deadline}${approval.escalated ? ' (escalated)' : ''}, inputs hash ${approval.inputsHash}`,
    `    decide: cordon approve ${state.workflowId} ${approval.stepId} --as USER   |   cordon reject ${state.workflowId} ${approval.stepId} --as USER --reason "..."`,
  ];
}

export function runLines(state: RunState): string[] {
  const lines = [
    `${state.workflowId}: ${state.status}`,
    `  playbook ${state.playbook.id} v${state.playbook.version} (sha256 ${state.playbook.sha256.slice(0, 16)}…), requested by ${state.requester} via ${state.trigger.kind}${state.trigger.source ? `:${state.trigger.source}` : ''}`,
    ...(state.subject ? [`  subject ${state.subject}${state.incidentId ? `, incident ${state.incidentId}` : ''}`] : []),
    ...state.steps.map(stepLine),
  ];
  for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
    lines.push(...approvalLines(state, approval));
  }
  lines.push(...holdLines(state));
  if (state.alerts.length > 0) lines.push(`  ${state.alerts.length} alert(s) attached`);
  return lines;
}

/** One line per step and limit that holds changes of the run, saying how to let them go. */
export function holdLines(state: RunState): string[] {
  return heldSteps(state).flatMap((held) => {
    const first = held.holds[0];
    if (!first) return [];
    const which = held.holds.length === 1 ? first.activityId : `${held.holds.length} changes`;
    return [
      `  held: step "${held.stepId}" (${which}) by the limit ${held.description}, since ${first.since}; asks again by ${first.nextCheck}`,
      `    let it go: cordon limits set ${held.limit} COUNT --reason "..."`,
    ];
  });
}
