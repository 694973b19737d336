/** The notifier used when no Slack is configured: one line in the worker log per event. */
import type { Notifier, RunEvent } from '../run-services';

export type LogLine = (line: string) => void;

function describe(event: RunEvent): string {
  const run = `${event.state.workflowId} (${event.state.playbook.id})`;
  switch (event.kind) {
    case 'progress': {
      const counts = new Map<string, number>();
      for (const step of event.state.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
      return `${run}: ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`;
    }
    case 'approval_requested':
      return `${run}: step "${event.approval.stepId}" (${event.approval.action}) waits for approval by ${event.approval.approvers.join(', ')}; inputs hash ${event.approval.inputsHash}`;
    case 'approval_decided':
      return `${run}: step "${event.approval.stepId}" ${event.approval.status} by ${event.approval.decisions.map((decision) => decision.approver).join(', ')}`;
    case 'approval_escalated':
      return `${run}: step "${event.approval.stepId}" escalated to ${event.approval.approvers.join(', ')}`;
    case 'run_finished':
      return `${run}: ${event.state.status}`;
  }
}

export function createLogNotifier(write: LogLine): Notifier {
  return {
    notify: async (event, refs) => {
      write(`[cordon] ${describe(event)}`);
      return refs;
    },
  };
}
