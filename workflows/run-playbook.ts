/** The interpreter workflow: one run of a compiled playbook. */
import { ApplicationFailure, CancellationScope, patched, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import type { GateServices } from '../activities/gate-services';
import type { Plan } from '../dsl/plan';
import { ApprovalGates } from './approval-gates';
import { vouchForChild, vouchQuery } from './child-vouch';
import { invalidPlan, isCancellation } from './failures';
import { Interpreter } from './interpreter';
import { usesItemPipeline } from './item-pipeline';
import { alertSignal, decideUpdate, legacyEvidenceSignal, statusQuery, type ApprovalDecision } from './messages';
import { checkPlan, checkPlanAgainstCatalogue } from './plan-check';
import type { RunPlaybookInput } from './run-input';
import type { RunResult, RunStatus } from './run-state';
import { recordRunStarted } from './run-metrics';
import { RunTracker } from './run-tracker';

/** Runs started before the worker enforced the gate replay without these checks. */
export const WORKER_GATE_PATCH = 'worker-enforces-gate';

const { 'cordon.verify_plan': verifyPlan } = proxyLocalActivities<GateServices>({
  startToCloseTimeout: '1m',
  retry: { maximumAttempts: 3, initialInterval: '1s' },
});

/**
 * The worker, not the caller, decides whether a plan runs: impact and child workflows from its catalogue here, then
 * every lint rule (and strict mode) by recompiling the plan's source on the worker.
 */
async function enforceGate(plan: Plan): Promise<void> {
  checkPlanAgainstCatalogue(plan);
  const problems = await verifyPlan(plan);
  if (problems.length > 0) throw invalidPlan(`the worker refuses this plan: ${problems.join('; ')}`);
}

function resultOf(tracker: RunTracker): RunResult {
  return {
    status: tracker.state.status,
    steps: tracker.state.steps.map(({ id, status, reason, output, error }) => ({ id, status, reason, output, error })),
  };
}

export async function runPlaybook(input: RunPlaybookInput): Promise<RunResult> {
  const tracker = new RunTracker(input);
  const gates = new ApprovalGates(tracker);
  // Handlers first: a status query or an early decision must find them whatever happens next.
  setHandler(statusQuery, () => tracker.forStatusQuery());
  setHandler(decideUpdate, (decision) => gates.decide(decision), {
    validator: (decision: ApprovalDecision) => gates.validate(decision),
  });
  setHandler(alertSignal, (alert) => tracker.attachAlert(alert));
  setHandler(legacyEvidenceSignal, (alert) => tracker.attachAlert(alert));

  setHandler(vouchQuery, (request) => vouchForChild(input.plan, tracker.state, request));

  checkPlan(input.plan);
  recordRunStarted(input.plan.id, input.trigger.kind);
  // Every patch is decided before the first await (the gate's local activity), so replay decides it alike.
  const gated = patched(WORKER_GATE_PATCH);
  const itemPipeline = usesItemPipeline(input.plan);
  if (gated) await enforceGate(input.plan);
  const interpreter = new Interpreter(input, tracker, gates, itemPipeline);
  try {
    await interpreter.run();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(async () => {
      tracker.cancelUnfinished();
      tracker.finish('cancelled');
      await tracker.flushed();
    });
    throw error;
  }

  const failed = tracker.state.steps.filter((step) => step.status === 'failed' || step.status === 'undo_failed');
  const status: RunStatus = failed.length > 0 ? 'failed' : 'succeeded';
  tracker.finish(status);
  await tracker.flushed();
  const result = resultOf(tracker);
  if (status === 'failed') {
    const first = failed[0];
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.playbookFailed,
      message: `playbook ${input.plan.id}: step "${first?.id}" failed: ${first?.error?.message ?? first?.status}`,
      nonRetryable: true,
      details: [result],
    });
  }
  return result;
}
