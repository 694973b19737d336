/**
 * `cordon undo RUN`: reverses every change a finished run made, newest first, as a run of its own: id `<RUN>/undo`,
 * memo `undoOf`, requested by whoever asks, approved once through the normal gate (the approvers of the run's own
 * playbook unless others are named), and audited like any run. Its plan is generated (see undo-playbook.ts) and run by
 * the normal interpreter. Each undo action compares its target with what the run left before it changes anything, and
 * leaves alone (and reports) what someone changed since.
 *
 * Refused: a run that is still running, an undo run (undoing an undo would redo the containment without its own
 * approval trail), and a run whose undo already changed something. Undoing twice is refused rather than repeated: a
 * second undo would find what the first restored "changed since the run" and only report it, which says nothing true.
 * An undo that changed nothing (rejected, cancelled, failed before its first change) may be asked for again.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import type { ActionRegistry } from '../activities/registry';
import { codecsOf } from '../codec/data-converter';
import { decodeHistory } from '../codec/decode-history';
import { compilePlaybookSource } from '../dsl';
import type { ApproverSet, Plan } from '../dsl/plan';
import { statusQuery } from '../workflows/messages';
import { peopleNamedBy } from '../workflows/named-people';
import type { RunState, Trigger } from '../workflows/run-state';
import { startRun, type StartedRun } from './start-run';
import { undoPlaybookSource } from './undo-playbook';
import { undoScope, type UndoScope } from './undo-scope';

/** Thrown when a run cannot be undone: unknown, still running, an undo itself, already undone, or nothing to undo. */
export class UndoRefusedError extends Error {
  override readonly name = 'UndoRefusedError';
}

const isPlan = (value: unknown): value is Plan =>
  typeof value === 'object' && value !== null && 'id' in value && 'steps' in value && Array.isArray(value.steps);

const startedInput = z.object({
  plan: z.custom<Plan>(isPlan, 'not a compiled plan'),
  incidentId: z.string().optional(),
  undo: z.object({ of: z.string() }).optional(),
});

/** The workflow id of a run's undo. */
export const undoWorkflowId = (workflowId: string) => `${workflowId}/undo`;

export interface UndoOptions {
  requester: string;
  trigger: Trigger;
  taskQueue: string;
  registry: ActionRegistry;
  /** Who approves the undo; by default every approver the run's playbook names. */
  approvers?: ApproverSet;
}

export interface StartedUndo extends StartedRun {
  scope: UndoScope;
}

/** Every approver the playbook names, in its gates, escalations and undo gates. */
export function playbookApprovers(plan: Plan): ApproverSet {
  const users = new Set<string>();
  const groups = new Set<string>();
  for (const step of plan.steps) {
    for (const approval of [step.approval, step.undo?.approval]) {
      if (!approval) continue;
      for (const set of [approval.approvers, approval.escalation?.approvers]) {
        set?.users.forEach((user) => users.add(user));
        set?.groups.forEach((group) => groups.add(group));
      }
    }
  }
  return { users: [...users], groups: [...groups] };
}

async function describeRun(client: Client, workflowId: string) {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Refuses a second undo once an earlier one changed anything (see the file's comment). */
async function refuseSecondUndo(client: Client, workflowId: string): Promise<void> {
  const id = undoWorkflowId(workflowId);
  const earlier = await describeRun(client, id);
  if (!earlier || earlier.status.name === 'RUNNING') return;
  const state = await client.workflow.getHandle(id).query(statusQuery);
  const changed = state.steps.some(
    (step) => step.status === 'succeeded' || step.items?.some((item) => item.status === 'succeeded'),
  );
  if (changed) {
    throw new UndoRefusedError(
      `run ${workflowId} was already undone by ${id} (${state.status}, ${state.endedAt ?? earlier.closeTime?.toISOString() ?? ''}): a second undo would find what it restored changed since and only report it; see cordon status ${id}`,
    );
  }
}

export async function undoRun(client: Client, workflowId: string, options: UndoOptions): Promise<StartedUndo> {
  const description = await describeRun(client, workflowId);
  if (!description) throw new UndoRefusedError(`no run ${workflowId}: check the id with cordon list`);
  if (description.type !== 'runPlaybook') {
    throw new UndoRefusedError(`${workflowId} is a ${description.type} workflow, not a playbook run: nothing to undo`);
  }
  const handle = client.workflow.getHandle(workflowId);
  if (description.status.name === 'RUNNING') {
    const running = await handle.query(statusQuery);
    throw new UndoRefusedError(
      `run ${workflowId} is still ${running.status}: undo it once it has ended (or cordon cancel it first)`,
    );
  }
  const history = await decodeHistory(await handle.fetchHistory(), codecsOf(client));
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const parsed = startedInput.safeParse(payload ? defaultPayloadConverter.fromPayload(payload) : undefined);
  if (!parsed.success) throw new UndoRefusedError(`run ${workflowId} has no playbook input to undo`);
  if (parsed.data.undo) {
    throw new UndoRefusedError(
      `run ${workflowId} is itself the undo of ${parsed.data.undo.of}: an undo is not undone (run the playbook again, with its own approval)`,
    );
  }
  const state: RunState = await handle.query(statusQuery);
  const scope = undoScope(parsed.data.plan, state);
  if (scope.steps.length === 0) {
    const others = [...scope.notRestorable, ...scope.unchanged, ...scope.alreadyUndone];
    throw new UndoRefusedError(
      `run ${workflowId} made no change that can be undone${others.length > 0 ? `: ${others.join('; ')}` : ''}`,
    );
  }
  await refuseSecondUndo(client, workflowId);
  const approvers = options.approvers ?? playbookApprovers(parsed.data.plan);
  if (approvers.users.length + approvers.groups.length === 0) {
    throw new UndoRefusedError(`the playbook of run ${workflowId} names no approvers: give the undo's approvers`);
  }
  const source = undoPlaybookSource({
    workflowId,
    playbookId: parsed.data.plan.id,
    ...(state.subject ? { subject: state.subject } : {}),
    scope,
    approvers,
  });
  const plan = compilePlaybookSource(source, `undo of ${workflowId}`, options.registry);
  const started = await startRun(client, {
    plan,
    inputs: {},
    requester: options.requester,
    trigger: { ...options.trigger, reference: workflowId },
    taskQueue: options.taskQueue,
    incidentId: parsed.data.incidentId,
    undo: { of: workflowId, named: peopleNamedBy(state.alerts) },
  });
  return { ...started, scope };
}
