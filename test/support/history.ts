import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ApprovalDecision } from '../../workflows/messages';

/** `decide` Updates that reached the run's handler, with whether they counted, read from the history. */
export async function decideUpdates(
  handle: WorkflowHandle,
): Promise<Array<{ decision: ApprovalDecision; counted: boolean; failure?: string }>> {
  const history = await handle.fetchHistory();
  const outcomes = new Map<string, { counted: boolean; failure?: string }>();
  for (const event of history.events ?? []) {
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed?.meta?.updateId) {
      const failure = completed.outcome?.failure?.message ?? undefined;
      outcomes.set(completed.meta.updateId, { counted: !completed.outcome?.failure, ...(failure ? { failure } : {}) });
    }
  }
  return (history.events ?? []).flatMap((event) => {
    const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    const outcome = outcomes.get(request?.meta?.updateId ?? '') ?? { counted: false };
    return (request?.input?.args?.payloads ?? []).map((payload) => ({
      decision: defaultPayloadConverter.fromPayload<ApprovalDecision>(payload),
      ...outcome,
    }));
  });
}

/** The approval decisions the run accepted and counted, read from its history (what an auditor sees). */
export async function acceptedDecisions(handle: WorkflowHandle): Promise<ApprovalDecision[]> {
  return (await decideUpdates(handle)).filter((update) => update.counted).map((update) => update.decision);
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
