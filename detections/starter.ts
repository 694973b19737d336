/**
 * Starts the run an event matched, or joins the one already running under the same workflow id, and attaches the
 * event to it as an alert, the first one included. The requester is the detection itself (`detection:<source>`),
 * so no approver is excluded and the audit says who asked.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { startRun } from '../runs/start-run';
import { alertSignal } from '../workflows/messages';
import type { Trigger } from '../workflows/run-state';
import { alertData, eventSummary, type DetectionEvent } from './detection-event';
import type { TriggerMatch } from './trigger-matcher';
import { errorFirstLine } from '../activities/error-message';

export interface StarterDeps {
  client: Client;
  taskQueue: string;
}

export interface StartOutcome {
  workflowId: string;
  /** False when the event joined a run that was already running. */
  started: boolean;
}

/** Thrown when a run could not be started or signalled; says which playbook, workflow and event. */
export class RunStartError extends Error {
  override readonly name = 'RunStartError';
}

export function requesterOf(event: DetectionEvent): string {
  return `detection:${event.source}`;
}

export function triggerOf(event: DetectionEvent): Trigger {
  return {
    kind: 'detection',
    source: event.source,
    reference: event.id,
    ...(event.published ? { detectedAt: event.published } : {}),
  };
}

async function startAndAttach(deps: StarterDeps, match: TriggerMatch, event: DetectionEvent): Promise<StartOutcome> {
  const { handle, workflowId, started } = await startRun(deps.client, {
    plan: match.plan,
    inputs: match.inputs,
    requester: requesterOf(event),
    trigger: triggerOf(event),
    taskQueue: deps.taskQueue,
    // The key the matcher derived (it may read the event, which startRun's own templates cannot).
    dedupeKey: match.dedupeKey,
  });
  await handle.signal(alertSignal, {
    source: event.source,
    reference: event.id,
    summary: eventSummary(event),
    data: alertData(event),
  });
  return { workflowId, started };
}

/**
 * Starts or joins the run and attaches the event to it as an alert. Signals go to the latest run of the id; should that
 * run end between the start and the signal, one more attempt starts a fresh run for the event.
 */
export async function startOrJoin(
  deps: StarterDeps,
  match: TriggerMatch,
  event: DetectionEvent,
): Promise<StartOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAndAttach(deps, match, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError && attempt < 2) continue;
      const reason = errorFirstLine(error);
      throw new RunStartError(
        `cannot start or join ${match.workflowId} (playbook ${match.plan.id}) for ${event.source} event ${event.id}: ${reason}`,
        { cause: error },
      );
    }
  }
}
