/**
 * The effect plan of an approval request: what the gated step and the steps its decision covers would change, described
 * by the worker from real reads just before the request goes out ("suspend 3 accounts: … (ACTIVE → SUSPENDED)"). The
 * approvers see it beside the inputs, and the request's hash binds it, so a decision names exactly what it was shown.
 * Runs recorded before this existed replay unchanged: it is behind `patched(EFFECT_PLAN_PATCH)`, decided once at start.
 * An undo's own approval (`undo:<step>`) came later, behind `patched(UNDO_EFFECT_PLAN_PATCH)`.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { EffectServices, StepEffect } from '../activities/effect-services';
import type { Plan, PlanStep } from '../dsl/plan';
import { describeFailure } from './failures';

export const EFFECT_PLAN_PATCH = 'cordon-effect-plan';
export const UNDO_EFFECT_PLAN_PATCH = 'cordon-undo-effect-plan';

/**
 * Effect descriptions heartbeat: one whose worker died is retried once its heartbeats stop (20 s), not after its whole
 * 2 minutes, which held the approval request back that long (the fault campaign's worker kills, issue 15).
 */
export const EFFECT_HEARTBEAT_PATCH = 'cordon-effect-heartbeat';

const { 'cordon.describe_effects': describeEffectsUnwatched } = proxyActivities<EffectServices>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 3 },
});

const { 'cordon.describe_effects': describeEffectsWatched } = proxyActivities<EffectServices>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '20s',
  retry: { maximumAttempts: 3 },
});

/**
 * How a run's approval requests describe effects. Decided once, before the run's first await, so that a replay decides
 * alike: a `patched()` first called deep in a step, after awaits, can land in another workflow task on replay.
 */
export interface EffectPlanning {
  /** Approval requests carry the effect plan of the steps they gate and cover. */
  readonly steps: boolean;
  /** An undo's own approval (`undo:<step>`) carries the undo's effect plan. */
  readonly undos: boolean;
  /** Descriptions carry a heartbeat timeout. */
  readonly heartbeats: boolean;
}

/** Call before the run's first await. */
export function effectPlanningOf(plan: Plan): EffectPlanning {
  const steps = plan.steps.some((step) => step.approval) && patched(EFFECT_PLAN_PATCH);
  const undos = plan.steps.some((step) => step.undo?.approval) && patched(UNDO_EFFECT_PLAN_PATCH);
  return { steps, undos, heartbeats: (steps || undos) && patched(EFFECT_HEARTBEAT_PATCH) };
}

type DescribedStep = Parameters<EffectServices['cordon.describe_effects']>[0]['steps'][number];

async function describe(steps: DescribedStep[], planning: EffectPlanning): Promise<StepEffect[]> {
  try {
    const describeEffects = planning.heartbeats ? describeEffectsWatched : describeEffectsUnwatched;
    return await describeEffects({ steps });
  } catch (error) {
    // The request still goes out: approvers see that the effect is unknown, and why.
    const why = describeFailure(error).message;
    return steps.map((target) => ({ stepId: target.stepId, summary: `effect unknown: ${why}`, changes: [] }));
  }
}

/**
 * The effects of a gated step (with its resolved input: one per item for a `forEach` step) and of the steps it covers
 * (null for one whose condition is false, which is not described).
 */
export async function effectPlanOf(
  step: PlanStep,
  input: unknown,
  covered: Record<string, unknown> | undefined,
  stepById: (id: string) => PlanStep,
  planning: EffectPlanning,
): Promise<StepEffect[]> {
  const entry = (target: PlanStep, value: unknown) => ({
    stepId: target.id,
    action: target.action,
    inputs: target.forEach && Array.isArray(value) ? value : [value],
  });
  const steps = [
    entry(step, input),
    ...Object.entries(covered ?? {}).flatMap(([id, value]) => (value === null ? [] : [entry(stepById(id), value)])),
  ];
  return describe(steps, planning);
}

/** The effect of an undo waiting on its own approval (`gateId` is `undo:<step>`): one action, one resolved input. */
export function undoEffectPlanOf(
  gateId: string,
  action: string,
  input: unknown,
  planning: EffectPlanning,
): Promise<StepEffect[]> {
  return describe([{ stepId: gateId, action, inputs: [input] }], planning);
}
