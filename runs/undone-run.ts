/**
 * A finished run as its undo sees it, and the undo playbook made from it. One module for `cordon undo`
 * (runs/undo-run.ts), which starts the undo, and the worker's strict mode (activities/gate-services.ts), which runs an
 * undo only when it makes exactly the same playbook itself: both read the run the same way (its decoded start input
 * and its status) and write the same source from it.
 */
import type { Client } from '@temporalio/client';
import { describeIfExists } from './workflow-description';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import { codecsOf } from '../codec/data-converter';
import { decodeHistory } from '../codec/decode-history';
import type { ApproverSet, Plan } from '../dsl/plan';
import { statusQuery } from '../workflows/messages';
import type { RunState } from '../workflows/run-state';
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

/** The file name an undo's plan is compiled under (it has no file). */
export const undoPlanFile = (workflowId: string) => `undo of ${workflowId}`;

/** A finished playbook run that is not itself an undo. */
export interface UndoneRun {
  workflowId: string;
  plan: Plan;
  incidentId?: string;
  state: RunState;
}

/** Reads a run to undo: its plan from its start input (decoded with the client's codec) and its final status. */
export async function readUndoneRun(client: Client, workflowId: string): Promise<UndoneRun> {
  const description = await describeIfExists(client, workflowId);
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
  const { plan, incidentId } = parsed.data;
  return { workflowId, plan, ...(incidentId !== undefined ? { incidentId } : {}), state };
}

/** What undoing the run means; refused when it changed nothing that can be undone. */
export function undoScopeOf(run: UndoneRun): UndoScope {
  const scope = undoScope(run.plan, run.state);
  if (scope.steps.length === 0) {
    const others = [...scope.notRestorable, ...scope.unchanged, ...scope.alreadyUndone];
    throw new UndoRefusedError(
      `run ${run.workflowId} made no change that can be undone${others.length > 0 ? `: ${others.join('; ')}` : ''}`,
    );
  }
  return scope;
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

/** The undo playbook's YAML source for a run, its scope and who approves it. */
export function undoSourceOf(run: UndoneRun, scope: UndoScope, approvers: ApproverSet): string {
  return undoPlaybookSource({
    workflowId: run.workflowId,
    playbookId: run.plan.id,
    ...(run.state.subject ? { subject: run.state.subject } : {}),
    scope,
    approvers,
  });
}
