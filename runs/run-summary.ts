/**
 * What the Temporal Web UI shows for a run before anyone decodes a payload: a one-line summary (playbook and subject)
 * and Markdown details (playbook, subject, incident, requester, trigger). Set once at start, so they never change.
 */
import type { Plan } from '../dsl/plan';
import type { Trigger } from '../workflows/run-state';

export interface RunDescription {
  plan: Pick<Plan, 'id' | 'title' | 'version' | 'sha256'>;
  subject?: string | undefined;
  incidentId?: string | undefined;
  requester: string;
  trigger: Trigger;
  /** Set on a retry: the run it continues. */
  retryOf?: string | undefined;
  /** Set on an undo (`cordon undo`): the run it reverses. */
  undoOf?: string | undefined;
}

/** `<playbook>: <subject> [incident <id>]`, e.g. `okta-account-compromise: bob@example.com [incident INC-7]`. */
export function runSummary(run: RunDescription): string {
  const subject = run.subject ? `: ${run.subject}` : '';
  const incident = run.incidentId ? ` [incident ${run.incidentId}]` : '';
  const retry = run.retryOf ? ' (retry)' : '';
  return `${run.plan.id}${subject}${incident}${retry}`;
}

/** Markdown, as the Web UI renders a run's details. */
export function runDetails(run: RunDescription): string {
  const trigger = [run.trigger.kind, run.trigger.source, run.trigger.reference].filter(Boolean).join(' · ');
  const lines = [
    `**${run.plan.title}**`,
    '',
    `- playbook: \`${run.plan.id}\` v${run.plan.version} (sha256 ${run.plan.sha256.slice(0, 12)})`,
    `- subject: ${run.subject || '(none)'}`,
    `- incident: ${run.incidentId || '(none)'}`,
    `- requester: ${run.requester}`,
    `- trigger: ${trigger}`,
    ...(run.retryOf ? [`- retry of: ${run.retryOf}`] : []),
    ...(run.undoOf ? [`- undo of: ${run.undoOf}`] : []),
  ];
  return lines.join('\n');
}
