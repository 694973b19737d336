/**
 * How a `runPlaybook` run vouches for the internal workflows it starts. A child asks its parent (through the worker's
 * `cordon.check_parent` activity and the `vouch` Query) whether the parent is running this very work: for a chunk of
 * a `forEach` step, the step as the plan has it, running, with exactly these items' inputs; for a child-workflow
 * action, a step that started it with exactly this input. And whether that step was approved, covered by an approved
 * gate, or unattended by the plan's stated policy, with its impact from the worker's catalogue.
 *
 * Sandbox-safe: the parent answers the Query from its own state, in workflow code.
 */
import { defineQuery } from '@temporalio/workflow';
import { hashValue } from '../dsl/canonical-json';
import type { Plan, PlanStep } from '../dsl/plan';
import { impactOf } from './plan-check';
import type { RunStateView } from './run-state';

/** What a child asks its parent to vouch for. */
export type ChildRequest =
  | {
      kind: 'chunk';
      /** The chunk's own workflow id: the parent names chunks `<run>/<step>/<offset>`. */
      workflowId: string;
      stepId: string;
      /** Hash of the step the chunk was given; it must be the plan's step. */
      stepHash: string;
      offset: number;
      count: number;
      /** Hash of the chunk's resolved inputs; they must be the step's items `offset..offset+count`. */
      inputsHash: string;
    }
  | {
      kind: 'workflow';
      /** The child's workflow type, e.g. `takedownMonitor`. */
      workflowType: string;
      /** Hash of the child's input; it must be the resolved input of a step (or item) of that action. */
      inputHash: string;
    };

/** Asks a `runPlaybook` run whether it vouches for a child; answers with the problems, none when it does. */
export const vouchQuery = defineQuery<string[], [ChildRequest]>('vouch');

/** Why a destructive step may not run yet, or undefined when it was approved, covered or is unattended. */
function approvalProblem(step: PlanStep, state: RunStateView): string | undefined {
  if (impactOf(step) !== 'destructive' || step.unattended) return undefined;
  const gate = step.approval ? step.id : step.coveredBy;
  if (gate === undefined) return `step "${step.id}" runs destructive ${step.action} without an approval gate`;
  const approved = state.approvals.some((approval) => approval.stepId === gate && approval.status === 'approved');
  return approved ? undefined : `step "${step.id}" has no approval (gate "${gate}" did not approve)`;
}

function vouchForChunk(plan: Plan, state: RunStateView, request: Extract<ChildRequest, { kind: 'chunk' }>): string[] {
  const step = plan.steps.find((candidate) => candidate.id === request.stepId);
  if (!step) return [`the run has no step "${request.stepId}"`];
  const expectedId = `${state.workflowId}/${step.id}/${request.offset}`;
  if (request.workflowId !== expectedId) return [`the run names this chunk ${expectedId}, not ${request.workflowId}`];
  if (hashValue(step) !== request.stepHash) return [`the chunk's step "${step.id}" is not the step of the run's plan`];
  const stepState = state.steps.find((candidate) => candidate.id === step.id);
  if (stepState?.status !== 'running') return [`step "${step.id}" is ${stepState?.status ?? 'unknown'}, not running`];
  const inputs = Array.isArray(stepState.input) ? stepState.input : [];
  const slice = inputs.slice(request.offset, request.offset + request.count);
  if (slice.length !== request.count || hashValue(slice) !== request.inputsHash) {
    return [
      `the chunk's inputs are not items ${request.offset}..${request.offset + request.count - 1} of "${step.id}"`,
    ];
  }
  const problem = approvalProblem(step, state);
  return problem ? [problem] : [];
}

function vouchForWorkflow(
  plan: Plan,
  state: RunStateView,
  request: Extract<ChildRequest, { kind: 'workflow' }>,
): string[] {
  const problems: string[] = [];
  for (const step of plan.steps) {
    if (step.workflow?.type !== request.workflowType) continue;
    const stepState = state.steps.find((candidate) => candidate.id === step.id);
    if (!stepState?.startedAt) continue;
    const inputs = step.forEach && Array.isArray(stepState.input) ? stepState.input : [stepState.input];
    if (!inputs.some((input) => hashValue(input) === request.inputHash)) continue;
    const problem = approvalProblem(step, state);
    if (!problem) return [];
    problems.push(problem);
  }
  return problems.length > 0 ? problems : [`no step of the run started a ${request.workflowType} with this input`];
}

/** The parent's answer: the problems with the request, none when the parent vouches for the child. */
export function vouchForChild(plan: Plan, state: RunStateView, request: ChildRequest): string[] {
  return request.kind === 'chunk' ? vouchForChunk(plan, state, request) : vouchForWorkflow(plan, state, request);
}
