import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ApprovalDecision } from '../../workflows/messages';

/** The approval decisions the server accepted, read from the run's history (what an auditor sees). */
export async function acceptedDecisions(handle: WorkflowHandle): Promise<ApprovalDecision[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const payloads = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads;
    return (payloads ?? []).map((payload) => defaultPayloadConverter.fromPayload<ApprovalDecision>(payload));
  });
}

/** How many times each activity id completed, from the history. */
export async function completedActivities(handle: WorkflowHandle): Promise<Map<string, number>> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const event of history.events ?? []) {
    const attributes = event.activityTaskScheduledEventAttributes;
    if (attributes?.activityId) scheduled.set(String(event.eventId), attributes.activityId);
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const id = scheduled.get(String(completed.scheduledEventId)) ?? '?';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}
