/** The interpreter workflow: one run of a compiled playbook. */
import {
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { FAILURE_TYPES } from '../activities/errors';
import type { GateServices } from '../activities/gate-services';
import type { Plan } from '../dsl/plan';
import { ACTION_HEARTBEAT_PATCH } from './action-runner';
import { ApprovalGates } from './approval-gates';
import { vouchForChild, vouchQuery } from './child-vouch';
import { invalidPlan, isCancellation } from './failures';
import { relayChunkLimitHolds } from './chunk-limit-relay';
import { currentHolds, reportHolds, useLimitApprovals } from './governor-hold';
import { createLimitApprovals } from './limit-approvals';
import { createProtectedApprovals, useProtectedApprovals } from './protected-approvals';
import { effectPlanningOf } from './effect-request';
import { Interpreter } from './interpreter';
import { withinPayloadBudget } from './payload-budget';
import { usesItemPipeline } from './item-pipeline';
import { alertSignal, decideUpdate, legacyEvidenceSignal, statusQuery, type ApprovalDecision } from './messages';
import { checkPlan, checkPlanAgainstCatalogue, NewerInterpreterRequired } from './plan-check';
import type { RunPlaybookInput, UndoOf } from './run-input';
import type { RunResult, RunStatus } from './run-state';
import { recordRunStarted } from './run-metrics';
import { RunTracker } from './run-tracker';
import { errorMessage } from '../activities/error-message';

/** Runs started before the worker enforced the gate replay without these checks. */
export const WORKER_GATE_PATCH = 'worker-enforces-gate';

/** Runs started from Slack before the worker verified their slash command replay without that check. */
export const VERIFIED_REQUESTER_PATCH = 'cordon-verified-slack-requester';

const { 'cordon.verify_plan': verifyPlan, 'cordon.verify_requester': verifyRequester } =
  proxyLocalActivities<GateServices>({
    startToCloseTimeout: '1m',
    retry: { maximumAttempts: 3, initialInterval: '1s' },
  });

/**
 * The worker, not the caller, decides whether a plan runs: impact and child workflows from its catalogue here, then
 * every lint rule (and strict mode) by recompiling the plan's source on the worker.
 */
async function enforceGate(plan: Plan, undo: UndoOf | undefined): Promise<void> {
  checkPlanAgainstCatalogue(plan);
  // A local activity's arguments are not in the history: an undo's marker changes no command, so no patch is needed.
  const problems = await (undo ? verifyPlan(plan, undo) : verifyPlan(plan));
  if (problems.length > 0) throw invalidPlan(`the worker refuses this plan: ${problems.join('; ')}`);
}

/**
 * A run that says it was started from Slack runs only if Slack signed the slash command that asked for it, as typed by
 * its requester, in its channel, for this playbook and these inputs: whoever controls `cordon serve` (or reaches it
 * while it does not verify requests itself) cannot start a run in someone else's name.
 */
async function verifySlackRequester(input: RunPlaybookInput): Promise<void> {
  const problems = await verifyRequester({
    plan: input.plan,
    inputs: input.inputs,
    requester: input.requester,
    channel: input.trigger.channel,
    startedAt: workflowInfo().runStartTime.toISOString(),
    request: input.slackRequest,
  });
  if (problems.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `the worker refuses this run: its Slack request does not verify: ${problems.join('; ')}`,
      FAILURE_TYPES.requestNotVerified,
    );
  }
}

function resultOf(tracker: RunTracker): RunResult {
  const steps = withinPayloadBudget(tracker.state).steps;
  return {
    status: tracker.state.status,
    steps: steps.map(({ id, status, reason, output, outputOmitted, error }) => ({
      id,
      status,
      reason,
      output,
      ...(outputOmitted ? { outputOmitted } : {}),
      error,
    })),
  };
}

export async function runPlaybook(input: RunPlaybookInput): Promise<RunResult> {
  const tracker = new RunTracker(input);
  const gates = new ApprovalGates(tracker, input.undo?.named ?? []);
  const limitApprovals = createLimitApprovals(input.plan.steps, gates, tracker);
  useLimitApprovals(limitApprovals);
  relayChunkLimitHolds(limitApprovals);
  reportHolds((holds) => tracker.showHolds(holds));
  useProtectedApprovals(createProtectedApprovals(input.plan.steps, gates, tracker));
  // Handlers first: a status query or an early decision must find them whatever happens next.
  setHandler(statusQuery, () => {
    const status = tracker.forStatusQuery();
    const holds = currentHolds();
    return holds.length > 0 ? { ...status, holds } : status;
  });
  setHandler(decideUpdate, (decision) => gates.decide(decision), {
    validator: (decision: ApprovalDecision) => gates.validate(decision),
  });
  setHandler(alertSignal, (alert) => tracker.attachAlert(alert));
  setHandler(legacyEvidenceSignal, (alert) => tracker.attachAlert(alert));

  setHandler(vouchQuery, (request) => vouchForChild(input.plan, tracker.state, request));

  let interpreter: Interpreter;
  // Every check before the first step: a run refused by any of them ends failed in its state, not "running".
  try {
    checkPlan(input.plan);
    recordRunStarted(input.plan.id, input.trigger.kind);
    // Every patch is decided before the first await (the gate's local activity), so replay decides it alike.
    const gated = patched(WORKER_GATE_PATCH);
    const slackRequester = input.trigger.kind === 'slack' && patched(VERIFIED_REQUESTER_PATCH);
    const itemPipeline = usesItemPipeline(input.plan);
    const actionHeartbeats = patched(ACTION_HEARTBEAT_PATCH);
    const effectPlanning = effectPlanningOf(input.plan);
    if (gated) await enforceGate(input.plan, input.undo);
    if (slackRequester) await verifySlackRequester(input);
    interpreter = new Interpreter(input, tracker, gates, itemPipeline, actionHeartbeats, effectPlanning);
  } catch (error) {
    // Left to a newer worker: the run is not refused, its workflow task fails and is retried.
    if (error instanceof NewerInterpreterRequired) throw error;
    tracker.refuse(`the worker refused the run: ${errorMessage(error)}`);
    throw error;
  }
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
