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
import type { Client } from '@temporalio/client';
import type { ActionRegistry } from '../activities/registry';
import { compilePlaybookSource } from '../dsl';
import type { ApproverSet } from '../dsl/plan';
import { statusQuery } from '../workflows/messages';
import { peopleNamedBy } from '../workflows/named-people';
import type { Trigger } from '../workflows/run-state';
import { startRun, type StartedRun } from './start-run';
import { describeIfExists } from './workflow-description';
import {
  playbookApprovers,
  readUndoneRun,
  undoPlanFile,
  undoScopeOf,
  undoSourceOf,
  undoWorkflowId,
  UndoRefusedError,
} from './undone-run';
import type { UndoScope } from './undo-scope';

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

/** Refuses a second undo once an earlier one changed anything (see the file's comment). */
async function refuseSecondUndo(client: Client, workflowId: string): Promise<void> {
  const id = undoWorkflowId(workflowId);
  const earlier = await describeIfExists(client, id);
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
  const run = await readUndoneRun(client, workflowId);
  const scope = undoScopeOf(run);
  await refuseSecondUndo(client, workflowId);
  const approvers = options.approvers ?? playbookApprovers(run.plan);
  if (approvers.users.length + approvers.groups.length === 0) {
    throw new UndoRefusedError(`the playbook of run ${workflowId} names no approvers: give the undo's approvers`);
  }
  const source = undoSourceOf(run, scope, approvers);
  const plan = compilePlaybookSource(source, undoPlanFile(workflowId), options.registry);
  const started = await startRun(client, {
    plan,
    inputs: {},
    requester: options.requester,
    trigger: { ...options.trigger, reference: workflowId },
    taskQueue: options.taskQueue,
    incidentId: run.incidentId,
    undo: { of: workflowId, named: peopleNamedBy(run.state.alerts) },
  });
  return { ...started, scope };
}
