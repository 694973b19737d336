/**
 * The worker's half of the gate: checks that need the worker's own action registry and configuration, or the Temporal
 * server, run as local activities at the start of a workflow.
 *
 * - `cordon.verify_plan`: a plan is run only if it is exactly what the worker's compiler makes of the playbook source
 *   the plan carries, so every lint rule (impact from the registry, approvals of destructive steps, no self-approving
 *   gate, approved destructive undo, known actions) holds whoever started the run; in strict mode, only if that source
 *   is one of the playbooks the worker was given, or is the undo the worker itself makes of the run the plan says it
 *   undoes (see strict-undo.ts).
 * - `cordon.check_parent`: an internal workflow's parent is a `runPlaybook` run that vouches for it.
 * - `cordon.verify_requester`: a run started from Slack carries the slash command Slack signed for it (see
 *   verify-requester.ts).
 */
import { Context } from '@temporalio/activity';
import { hashValue } from '../dsl/canonical-json';
import { compilePlaybook, sourceHash } from '../dsl/compile';
import { formatIssue } from '../dsl/errors';
import { checkPlaybookSource } from '../dsl/load';
import type { Plan } from '../dsl/plan';
import { vouchQuery, type ChildRequest } from '../workflows/child-vouch';
import type { UndoOf } from '../workflows/run-input';
import type { ActionRegistry } from './registry';
import { verifyStrictUndo } from './strict-undo';
import { createRequesterVerifier, type VerifyRequesterInput } from './verify-requester';

export interface ParentCheckInput {
  /** The parent the server recorded for the child (`workflowInfo().parent`). */
  parent: { workflowId: string; runId: string };
  request: ChildRequest;
}

export interface GateServices {
  /**
   * The problems with a plan; none when the worker runs it. `undo` is the run's own `undo` input: in strict mode an
   * undo's generated plan runs only if it is the undo this worker makes of that run.
   */
  'cordon.verify_plan'(plan: Plan, undo?: UndoOf): Promise<string[]>;
  /** The problems with a child's parent; none when the parent is a `runPlaybook` run that vouches for the child. */
  'cordon.check_parent'(input: ParentCheckInput): Promise<string[]>;
  /** The problems with a Slack-started run's requester; none when Slack signed the slash command that asked for it. */
  'cordon.verify_requester'(input: VerifyRequesterInput): Promise<string[]>;
}

export interface GateOptions {
  /**
   * Strict mode: the sha256 of every playbook this worker may run (`CORDON_STRICT_PLAYBOOKS`, read from
   * `CORDON_PLAYBOOKS_DIR`). Absent: any plan that compiles from its own source runs.
   */
  knownPlaybooks?: ReadonlySet<string>;
  /** The Slack app's signing secret: without it, every run started from Slack is refused. */
  slackSigningSecret?: string;
}

const SHOWN = 80;

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where a plan differs from the plan its source compiles to: the deepest differing paths (steps by id, e.g.
 * `steps.suspend.approval.approvers.users`), each with both values.
 */
export function planDifferences(given: Plan, compiled: Plan): string[] {
  const differences: string[] = [];
  const compare = (path: string, a: unknown, b: unknown): void => {
    if (hashValue(a ?? null) === hashValue(b ?? null)) return;
    if (isRecord(a) && isRecord(b)) {
      const left = new Map(Object.entries(a));
      const right = new Map(Object.entries(b));
      for (const key of [...new Set([...left.keys(), ...right.keys()])].sort()) {
        compare(path ? `${path}.${key}` : key, left.get(key), right.get(key));
      }
      return;
    }
    differences.push(
      `${path} (${shown(a)} in the plan) does not match what its playbook source compiles to (${shown(b)})`,
    );
  };
  const { steps: givenSteps, ...givenRest } = given;
  const { steps: compiledSteps, ...compiledRest } = compiled;
  compare('', givenRest, compiledRest);
  const length = Math.max(givenSteps.length, compiledSteps.length);
  for (let index = 0; index < length; index += 1) {
    const a = givenSteps[index];
    const b = compiledSteps[index];
    if (a && b && a.id === b.id) compare(`steps.${a.id}`, a, b);
    else compare(`steps[${index}].id`, a?.id, b?.id);
  }
  return differences;
}

export async function verifyPlan(
  plan: Plan,
  registry: ActionRegistry,
  options: GateOptions,
  undo?: UndoOf,
): Promise<string[]> {
  const unknown = plan.steps.filter(
    (step) => !registry.has(step.action) || (step.undo && !registry.has(step.undo.action)),
  );
  if (unknown.length > 0) {
    return unknown.map(
      (step) =>
        `step "${step.id}": ${registry.has(step.action) ? step.undo?.action : step.action} is not an action of this worker`,
    );
  }
  if (sourceHash(plan.source) !== plan.sha256) return ['the plan’s sha256 is not the hash of its playbook source'];
  if (options.knownPlaybooks && !options.knownPlaybooks.has(plan.sha256)) {
    if (undo) {
      const problems = await verifyStrictUndo(plan, undo, {
        knownPlaybooks: options.knownPlaybooks,
        verifyGiven: (given) => verifyPlan(given, registry, options),
      });
      if (problems.length > 0) return problems;
    } else {
      return [
        `strict mode: playbook ${plan.id} (sha256 ${plan.sha256.slice(0, 12)}…) is not one of the ${options.knownPlaybooks.size} playbooks this worker was given`,
      ];
    }
  }
  const file = plan.file ?? `${plan.id}.yaml`;
  const checked = checkPlaybookSource(plan.source, file, registry);
  if (!checked.playbook) return checked.issues.map(formatIssue);
  return planDifferences(plan, compilePlaybook(checked.playbook, plan.source, registry, plan.file));
}

/** How many verified plans a worker remembers (each is one playbook version with one set of step inputs templates). */
const VERIFIED_PLANS_KEPT = 256;

export function createGateServices(registry: ActionRegistry, options: GateOptions = {}): GateServices {
  // Recompiling a plan's source costs tens of milliseconds of CPU at the start of every run, on the critical path of
  // its first containment write; a plan identical to one already verified (the hash covers all of it) passes again.
  const verified = new Set<string>();
  return {
    'cordon.verify_plan': async (plan, undo) => {
      // An undo's plan is verified for the run it undoes (strict mode reads that run): the key names both.
      const key = undo ? hashValue({ plan, undo }) : hashValue(plan);
      if (verified.has(key)) return [];
      const problems = await verifyPlan(plan, registry, options, undo);
      if (problems.length === 0) {
        if (verified.size >= VERIFIED_PLANS_KEPT) verified.delete(verified.values().next().value ?? '');
        verified.add(key);
      }
      return problems;
    },
    'cordon.verify_requester': createRequesterVerifier({ slackSigningSecret: options.slackSigningSecret }),
    'cordon.check_parent': async ({ parent, request }) => {
      const handle = Context.current().client.workflow.getHandle(parent.workflowId, parent.runId);
      const description = await handle.describe();
      if (description.type !== 'runPlaybook')
        return [`${parent.workflowId} is a ${description.type}, not a runPlaybook run`];
      // A chunk runs while its step runs; a detached child (a monitor) may start after its run has ended.
      if (request.kind === 'chunk' && description.status.name !== 'RUNNING') {
        return [`${parent.workflowId} is ${description.status.name.toLowerCase()}, not running`];
      }
      return handle.query(vouchQuery, request);
    },
  };
}
