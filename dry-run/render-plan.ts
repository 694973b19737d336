/** A dry run for a terminal: one line per step with what it would do, then every write it would make. */
import type { EffectPlan, PlannedStep } from './effect-plan';

const MARKS: Record<PlannedStep['status'], string> = {
  ran: '✓',
  would_run: '→',
  skipped: '-',
  unresolved: '?',
  failed: '✗',
  refused: '⊘',
};

function what(step: PlannedStep): string {
  switch (step.status) {
    case 'ran':
      return step.note ? `ran: ${step.note}` : 'ran (a read)';
    case 'would_run':
      return step.effect?.summary ?? '';
    default:
      return `${step.status.replace('_', ' ')}: ${step.reason ?? ''}`;
  }
}

function approvalLine(step: PlannedStep): string | undefined {
  const approval = step.approval;
  if (!approval || step.status === 'skipped') return undefined;
  if ('coveredBy' in approval) return `approved with step "${approval.coveredBy}"`;
  const covers = approval.covers.length > 0 ? `; this decision also approves ${approval.covers.join(', ')}` : '';
  return `after approval by ${approval.approvers.join(', ')} (${approval.required} needed)${covers}`;
}

export function renderPlan(plan: EffectPlan): string[] {
  const inputs = Object.entries(plan.inputs)
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const lines = [
    `Plan of ${plan.playbook.id} v${plan.playbook.version} (sha256 ${plan.playbook.sha256.slice(0, 16)}…)${inputs ? ` for ${inputs}` : ''}`,
    'Reads ran; nothing was changed.',
    '',
  ];
  for (const step of plan.steps) {
    lines.push(
      `  ${MARKS[step.status]} ${step.id.padEnd(12)} ${`${step.action} (${step.impact})`.padEnd(34)} ${what(step)}`,
    );
    const approval = approvalLine(step);
    if (approval) lines.push(`  ${' '.repeat(48)}${approval}`);
  }
  lines.push('', `Changes it would make (${plan.changes.length}):`);
  for (const change of plan.changes) {
    lines.push(`  ${change.service} ${change.operation} ${change.target}  (step ${change.stepId})`);
  }
  if (plan.changes.length === 0) lines.push('  none');
  return lines;
}
