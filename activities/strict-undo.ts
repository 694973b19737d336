/**
 * Strict mode and `cordon undo`: an undo's plan is generated, so it is never one of the playbook files the worker was
 * given. The worker runs it only when it makes exactly that plan itself: it reads the run being undone (its start
 * input, decoded with the worker's codec, and its final status) through its own Temporal client, checks that run's
 * playbook is one it was given, recomputes the undo scope and writes the undo playbook with that playbook's own
 * approvers, and compares the sha256. The `undo.of` marker on a run is thereby no way around strict mode: a plan that
 * changes anything else, or names other approvers (`cordon undo --approvers`), is refused.
 */
import { Context } from '@temporalio/activity';
import { sourceHash } from '../dsl/compile';
import type { ApproverSet, Plan } from '../dsl/plan';
import {
  playbookApprovers,
  readUndoneRun,
  undoScopeOf,
  undoSourceOf,
  UndoRefusedError,
  type UndoneRun,
} from '../runs/undone-run';
import { UndoSourceError } from '../runs/undo-playbook';
import { peopleNamedBy } from '../workflows/named-people';
import type { UndoOf } from '../workflows/run-input';

export interface StrictUndoOptions {
  /** The sha256 of every playbook the worker was given. */
  knownPlaybooks: ReadonlySet<string>;
  /** The worker's own check of a plan (strict mode included), applied to the plan of the run undone. */
  verifyGiven: (plan: Plan) => Promise<string[]>;
}

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;

function approversText(set: ApproverSet): string {
  const parts = [
    ...(set.groups.length > 0 ? [`groups ${set.groups.join(', ')}`] : []),
    ...(set.users.length > 0 ? [`users ${set.users.join(', ')}`] : []),
  ];
  return parts.join(' and ') || 'nobody';
}

const sameApprovers = (a: ApproverSet, b: ApproverSet): boolean =>
  [...a.users].sort().join('\n') === [...b.users].sort().join('\n') &&
  [...a.groups].sort().join('\n') === [...b.groups].sort().join('\n');

async function readRun(workflowId: string): Promise<UndoneRun | string> {
  try {
    return await readUndoneRun(Context.current().client, workflowId);
  } catch (error) {
    if (error instanceof UndoRefusedError) return error.message;
    throw error;
  }
}

/** The problems with running `plan` as the undo of `undo.of` in strict mode; none when the worker makes that plan. */
export async function verifyStrictUndo(plan: Plan, undo: UndoOf, options: StrictUndoOptions): Promise<string[]> {
  const run = await readRun(undo.of);
  if (typeof run === 'string') return [`strict mode: playbook ${plan.id} is marked as an undo, but ${run}`];
  const given = run.plan;
  if (sourceHash(given.source) !== given.sha256 || !options.knownPlaybooks.has(given.sha256)) {
    return [
      `strict mode: run ${undo.of} ran playbook ${given.id} (sha256 ${short(given.sha256)}), which is not one of the ${options.knownPlaybooks.size} playbooks this worker was given, so its undo is not run`,
    ];
  }
  const problems = await options.verifyGiven(given);
  if (problems.length > 0) {
    return [
      `strict mode: run ${undo.of} ran a plan this worker would not run, so its undo is not run: ${problems.join('; ')}`,
    ];
  }
  const approvers = playbookApprovers(given);
  const asked = plan.steps[0]?.approval?.approvers;
  if (asked && !sameApprovers(asked, approvers)) {
    return [
      `strict mode: an undo approved by others than the approvers playbook ${given.id} names (${approversText(approvers)}) is refused: this one names ${approversText(asked)}`,
    ];
  }
  let source: string;
  try {
    source = undoSourceOf(run, undoScopeOf(run), approvers);
  } catch (error) {
    if (error instanceof UndoRefusedError || error instanceof UndoSourceError) {
      return [`strict mode: playbook ${plan.id} is marked as the undo of run ${undo.of}, but ${error.message}`];
    }
    throw error;
  }
  const expected = sourceHash(source);
  if (expected !== plan.sha256) {
    return [
      `strict mode: playbook ${plan.id} (sha256 ${short(plan.sha256)}) is not the undo this worker makes of run ${undo.of} (sha256 ${short(expected)})`,
    ];
  }
  // Whoever the undone run's detections named never decides on its undo: the marker may add people, never leave one out.
  const left = peopleNamedBy(run.state.alerts).filter((person) => !(undo.named ?? []).includes(person));
  if (left.length > 0) {
    return [
      `strict mode: the undo of run ${undo.of} leaves out of its deciders' exclusions whom that run's detections named: ${left.join(', ')}`,
    ];
  }
  return [];
}
