/**
 * `cordon retry RUN`: a recorded continuation of a finished run over just the items it did not complete (the accounts
 * not fully contained). It is a new run of the same plan, with the same inputs, whose `forEach` steps run only over
 * those items; it is linked to the first run by its workflow id (`<first run>/retry-<hash of the items>`), by the memo
 * `retryOf`, and by the subject and incident search attributes it shares; its requester is whoever asks for the retry,
 * and its destructive steps wait for their approvals as in any run.
 */
import { codecsOf } from '../codec/data-converter';
import { decodeHistory } from '../codec/decode-history';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import { hashValue } from '../dsl/canonical-json';
import type { Plan } from '../dsl/plan';
import { statusQuery } from '../workflows/messages';
import type { RunState, Trigger } from '../workflows/run-state';
import { startRun, type StartedRun } from './start-run';

/** Thrown when a run cannot be retried: still running, nothing left to do, or not a cordon run. */
export class RetryRefusedError extends Error {
  override readonly name = 'RetryRefusedError';
}

/** The items of every `forEach` step that did not succeed, each once, in the order they first appear. */
export function incompleteItems(state: Pick<RunState, 'steps'>): unknown[] {
  const seen = new Set<string>();
  const items: unknown[] = [];
  for (const step of state.steps) {
    for (const item of step.items ?? []) {
      if (item.status === 'succeeded') continue;
      const key = hashValue(item.item);
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item.item);
    }
  }
  return items;
}

const isPlan = (value: unknown): value is Plan =>
  typeof value === 'object' && value !== null && 'id' in value && 'steps' in value && Array.isArray(value.steps);

const startedInput = z.object({
  plan: z.custom<Plan>(isPlan, 'not a compiled plan'),
  inputs: z.record(z.string(), z.unknown()),
  incidentId: z.string().optional(),
});

export interface RetryOptions {
  requester: string;
  trigger: Trigger;
  taskQueue: string;
}

export interface StartedRetry extends StartedRun {
  items: unknown[];
}

export async function retryRun(client: Client, workflowId: string, options: RetryOptions): Promise<StartedRetry> {
  const handle = client.workflow.getHandle(workflowId);
  const state = await handle.query(statusQuery);
  if (!state.endedAt) throw new RetryRefusedError(`run ${workflowId} is still ${state.status}: retry it once it ends`);
  const items = incompleteItems(state);
  if (items.length === 0) {
    throw new RetryRefusedError(
      `run ${workflowId} ${state.status} with every forEach item completed: nothing to retry`,
    );
  }
  const history = await decodeHistory(await handle.fetchHistory(), codecsOf(client));
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const parsed = startedInput.safeParse(payload ? defaultPayloadConverter.fromPayload(payload) : undefined);
  if (!parsed.success) throw new RetryRefusedError(`run ${workflowId} has no playbook input to retry`);
  const started = await startRun(client, {
    plan: parsed.data.plan,
    inputs: parsed.data.inputs,
    requester: options.requester,
    trigger: { ...options.trigger, reference: workflowId },
    taskQueue: options.taskQueue,
    incidentId: parsed.data.incidentId,
    retry: { of: workflowId, items },
  });
  return { ...started, items };
}
