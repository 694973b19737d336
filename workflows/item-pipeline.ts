/**
 * Item by item across steps: a `forEach` step that needs another `forEach` step over the same list follows it item by
 * item. Account i's `factors` waits only for account i's `suspend`, so one account Okta refuses to suspend holds up no
 * other account's MFA reset, and the reset of each account starts as soon as its suspension is done.
 *
 * A need is followed item by item when both steps iterate the same `forEach` expression, the need's failure policy is
 * `continue`, and the dependent step does not read the need's output (which exists only once every item is done). Anything else is waited for whole, as
 * before. Runs recorded before this existed replay unchanged: the behaviour is behind `patched(ITEM_PIPELINE_PATCH)`.
 */
import { condition, patched } from '@temporalio/workflow';
import type { FailurePolicy, Plan, PlanStep } from '../dsl/plan';
import { stepEnded, type ItemState, type ReadOnlyDeep, type StepState } from './run-state';

type StepView = ReadOnlyDeep<StepState>;
type ItemView = ReadOnlyDeep<ItemState>;

export const ITEM_PIPELINE_PATCH = 'foreach-item-pipeline';

/** Whether a step's templates read `steps.<id>` in any of CEL's spellings. */
function readsStep(step: PlanStep, id: string): boolean {
  const text = JSON.stringify([step.with, step.if ?? '', step.forEach?.items ?? '']);
  return [`steps.${id}`, `steps['${id}']`, `steps[\\"${id}\\"]`].some((spelling) => text.includes(spelling));
}

/**
 * The needs of `step` that it can follow item by item (none for a step without `forEach`). Only needs whose failure
 * policy is `continue`: under `abort` or `undo` a failed item stops the run, so nothing that needs its step may start
 * before that step has ended.
 */
export function itemwiseCandidates(
  step: PlanStep,
  stepById: (id: string) => PlanStep,
  policyOf: (step: PlanStep) => FailurePolicy,
): string[] {
  const items = step.forEach?.items;
  if (items === undefined) return [];
  return step.needs.filter((id) => {
    const need = stepById(id);
    return need.forEach?.items === items && !need.workflow && policyOf(need) === 'continue' && !readsStep(step, id);
  });
}

/**
 * Whether this run follows needs item by item: only a plan with candidates asks, so runs of other playbooks carry no
 * marker. Asked once, before the run's first await: a patch decided after a local activity could be decided in another
 * activation on replay than when the run was recorded.
 */
export function usesItemPipeline(plan: Plan): boolean {
  const byId = new Map(plan.steps.map((step) => [step.id, step]));
  const stepById = (id: string): PlanStep => {
    const step = byId.get(id);
    if (!step) throw new Error(`no step ${id}`);
    return step;
  };
  const policyOf = (step: PlanStep): FailurePolicy => step.onFailure ?? plan.onFailure;
  const hasCandidates = plan.steps.some((step) => itemwiseCandidates(step, stepById, policyOf).length > 0);
  return hasCandidates && patched(ITEM_PIPELINE_PATCH);
}

/** The needs followed item by item in this run: the candidates, when the run uses the pipeline. */
export function itemwiseNeeds(
  enabled: boolean,
  step: PlanStep,
  stepById: (id: string) => PlanStep,
  policyOf: (step: PlanStep) => FailurePolicy,
): string[] {
  return enabled ? itemwiseCandidates(step, stepById, policyOf) : [];
}

/** One need followed item by item: its id and its items as they run (updated in place). */
export interface UpstreamItems {
  stepId: string;
  items: readonly ItemView[];
}

export type Upstream = { kind: 'blocked'; reason: string } | { kind: 'items'; upstream: UpstreamItems[] };

/**
 * Waits until each need has either started its items or ended. A need that ended without items (skipped, rejected,
 * failed before its items ran) blocks the whole step, as a need waited for whole would.
 */
export async function awaitUpstream(ids: readonly string[], stateOf: (id: string) => StepView): Promise<Upstream> {
  const upstream: UpstreamItems[] = [];
  for (const id of ids) {
    await condition(() => stateOf(id).items !== undefined || stepEnded(stateOf(id).status));
    const state = stateOf(id);
    if (state.items) upstream.push({ stepId: id, items: state.items });
    else return { kind: 'blocked', reason: `needs "${id}", which ${state.status}` };
  }
  return { kind: 'items', upstream };
}

/** For a step run in chunks: waits for each need to end; a reason when one did not succeed. */
export async function awaitWhole(
  upstream: readonly UpstreamItems[],
  stateOf: (id: string) => StepView,
): Promise<string | undefined> {
  for (const { stepId } of upstream) {
    await condition(() => stepEnded(stateOf(stepId).status));
    const status = stateOf(stepId).status;
    if (status !== 'succeeded') return `needs "${stepId}", which ${status}`;
  }
  return undefined;
}

function settled(item: ItemView | undefined): boolean {
  return item === undefined || (item.status !== 'pending' && item.status !== 'running');
}

/**
 * Waits for item `index` of every need; gives the reason to skip the item when one of them did not succeed, or
 * undefined when it may run.
 */
export async function awaitItem(upstream: readonly UpstreamItems[], index: number): Promise<string | undefined> {
  for (const { stepId, items } of upstream) {
    await condition(() => settled(items[index]));
    const item = items[index];
    if (item?.status !== 'succeeded') return `item ${index} of "${stepId}" ${item?.status ?? 'does not exist'}`;
  }
  return undefined;
}

/** Lists the items a step did not complete, for its error message: `00u1 (Conflict), 00u7 (skipped)`. */
export function describeIncomplete(items: readonly ItemView[], max = 20): string {
  const incomplete = items.filter((item) => item.status !== 'succeeded');
  const shown = incomplete
    .slice(0, max)
    .map(
      (item) =>
        `${typeof item.item === 'string' ? item.item : JSON.stringify(item.item)} (${item.error?.type ?? item.status})`,
    );
  const more = incomplete.length > max ? ` and ${incomplete.length - max} more` : '';
  return `${shown.join(', ')}${more}`;
}
