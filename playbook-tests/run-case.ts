/**
 * Runs one test case on a real Temporal server: a worker of its own (the production workflow code and activity
 * boundary, with canned answers or the local Okta behind the actions), the run started from the case's inputs or from
 * its detection event through the real trigger matching, and each gate decided as the case says: approvals and
 * rejections signed by the person deciding, timeouts waited out with the server's time skipping.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { createStaticDirectory } from '../activities/notify/static-directory';
import type { ActionRegistry } from '../activities/registry';
import type { Indicators } from '../config/hooks';
import { eventsFromFile, EventFormatError } from '../detections/detection-event';
import { startOrJoin } from '../detections/starter';
import { matchEvent } from '../detections/trigger-matcher';
import { InputError } from '../dsl/inputs';
import type { Plan } from '../dsl/plan';
import { startRun } from '../runs/start-run';
import type { WorkflowBundle } from '../temporal/worker-factory';
import { statusQuery } from '../workflows/messages';
import type { ApprovalState, RunState } from '../workflows/run-state';
import { cannedHandlers } from './canned-actions';
import type { CaseWorker } from './case-worker';
import { startCaseOkta, type CaseOkta } from './okta-stand-in';
import { testResponders, type TestResponders } from './responders';
import type { GateDecision, TestCase, TestFile } from './schema';
import { startCaseTakedown, type CaseTakedown, type TakedownReceived } from './takedown-stand-ins';
import { setTimeSkipping } from './time-skipping';
import { errorFirstLine } from '../activities/error-message';

export interface CaseEnvironment {
  client: Client;
  address: string;
  namespace: string;
  bundle: WorkflowBundle;
  registry: ActionRegistry;
  /** Real time a case may take before it is stopped and failed. @default 60_000 */
  caseTimeoutMs?: number;
}

/** An approval as the case saw it being asked. */
export interface AskedApproval {
  step: string;
  asked: string[];
  escalatedTo: string[];
  outcome: ApprovalState['status'];
  /** The person who decided, or `timeout`. */
  by?: string;
  /** What the approvers were shown. */
  shows: Record<string, unknown>;
}

export interface CaseObservation {
  workflowId?: string;
  /** The run's end, or `not_started` when the detection event started nothing. */
  status: RunState['status'] | 'not_started';
  state?: RunState;
  approvals: AskedApproval[];
  okta?: Array<{ change: string; target: string }>;
  /** What the local takedown stand-ins received, when the case has them. */
  takedown?: TakedownReceived;
  /** What kept the case from running as written (no decision for a gate, a refused decision, a run that never ends). */
  problems: string[];
  /** Why a detection event started nothing. */
  notes: string[];
}

const DEFAULT_REQUESTER = 'requester';

/** Starts the run the case describes; undefined (with notes) when its event starts nothing. */
async function startCaseRun(
  env: CaseEnvironment,
  plan: Plan,
  test: TestCase,
  indicators: Indicators,
  taskQueue: string,
  observation: CaseObservation,
): Promise<string | undefined> {
  if (test.inputs) {
    const { workflowId } = await startRun(env.client, {
      plan,
      inputs: test.inputs,
      requester: test.requester ?? DEFAULT_REQUESTER,
      trigger: { kind: 'cli', source: 'cordon test' },
      taskQueue,
    });
    return workflowId;
  }
  const detection = test.detection;
  if (!detection) return undefined;
  const events = eventsFromFile(detection.source, detection.event);
  let workflowId: string | undefined;
  for (const event of events) {
    const { matches, refusals, errors } = matchEvent([plan], event, indicators);
    refusals.forEach((refusal) =>
      observation.notes.push(`event ${event.id}: inputs refused: ${refusal.problems.join('; ')}`),
    );
    errors.forEach((error) => observation.notes.push(`event ${event.id}: condition not evaluable: ${error.reason}`));
    for (const match of matches) {
      const started = await startOrJoin({ client: env.client, taskQueue }, match, event);
      workflowId ??= started.workflowId;
    }
    if (matches.length + refusals.length + errors.length === 0)
      observation.notes.push(`event ${event.id}: matches no trigger`);
  }
  return workflowId;
}

/** Who decides when the case does not say: the first approver asked whom the test knows. */
function decider(approval: ApprovalState, decision: GateDecision, responders: TestResponders): string | undefined {
  return decision.by ?? approval.approvers.find((approver) => responders.has(approver));
}

interface Driver {
  env: CaseEnvironment;
  workflowId: string;
  test: TestCase;
  responders: TestResponders;
  observation: CaseObservation;
}

function stageOf(approval: ApprovalState): string {
  return `${approval.stepId}:${approval.escalated ? 'escalated' : 'asked'}`;
}

/**
 * Decides the gates of a run until it ends. Decisions are made only while nothing runs, as a person answering later
 * than the machine would: the order of what a test observes does not then depend on how fast a decision comes.
 */
async function drive(driver: Driver): Promise<RunState> {
  const { env, workflowId, test, responders, observation } = driver;
  const handle = env.client.workflow.getHandle(workflowId);
  const deadline = Date.now() + (env.caseTimeoutMs ?? 60_000);
  const used = new Map<string, number>();
  const decided = new Set<string>();
  const asked = new Map<string, AskedApproval>();
  let skipping: string[] = [];
  for (;;) {
    const state = await handle.query(statusQuery);
    for (const approval of state.approvals) {
      const seen = asked.get(approval.stepId);
      if (!seen)
        asked.set(approval.stepId, {
          step: approval.stepId,
          asked: [...approval.approvers],
          escalatedTo: [],
          outcome: approval.status,
          shows: approval.shown,
        });
      else if (approval.escalated)
        seen.escalatedTo = approval.approvers.filter((person) => !seen.asked.includes(person));
    }
    observation.approvals = [...asked.values()];
    if (state.endedAt) return state;
    if (Date.now() > deadline) {
      observation.problems.push(
        `the run had not ended after ${Math.round((env.caseTimeoutMs ?? 60_000) / 1000)}s (status ${state.status})`,
      );
      return state;
    }
    const pending = state.approvals.filter((approval) => approval.status === 'pending');
    if (skipping.length > 0) {
      // The gates being timed out have moved on (escalated or decided): stop skipping before anything else waits.
      if (!pending.some((approval) => skipping.includes(stageOf(approval)))) {
        await setTimeSkipping(env.client, workflowId, false);
        skipping = [];
      }
    } else if (pending.length > 0 && !state.steps.some((step) => step.status === 'running')) {
      const timeouts: string[] = [];
      for (const approval of pending) {
        const stage = stageOf(approval);
        if (decided.has(stage)) continue;
        const decisions = [test.gates?.[approval.stepId] ?? []].flat();
        const index = used.get(approval.stepId) ?? 0;
        const decision = decisions[index];
        if (!decision) {
          const which = index === 0 ? 'asks for approval' : approval.escalated ? 'escalated' : 'asks again';
          observation.problems.push(
            `step "${approval.stepId}" ${which} (of ${approval.approvers.join(', ') || 'nobody'}), and the test gives no ${index === 0 ? 'decision' : `decision number ${index + 1}`} for it (gates: ${approval.stepId})`,
          );
          return state;
        }
        used.set(approval.stepId, index + 1);
        decided.add(stage);
        if (decision.decision === 'timeout') {
          timeouts.push(stage);
          continue;
        }
        const person = decider(approval, decision, responders);
        if (!person) {
          observation.problems.push(
            `nobody the test knows may decide step "${approval.stepId}" (asked: ${approval.approvers.join(', ')})`,
          );
          return state;
        }
        try {
          await responders.decide(env.client, workflowId, approval, {
            person,
            decision: decision.decision,
            reason: decision.reason ?? `${decision.decision}d in a playbook test`,
          });
        } catch (error) {
          observation.problems.push(
            `the run refused ${person}'s decision on step "${approval.stepId}": ${errorFirstLine(error)}`,
          );
          return state;
        }
      }
      if (timeouts.length > 0) {
        // Only once every human decision of this round is in: a skipped clock would time those gates out too.
        skipping = timeouts;
        await setTimeSkipping(env.client, workflowId, true);
      }
    }
    await sleep(50);
  }
}

function finish(observation: CaseObservation, state: RunState): void {
  observation.state = state;
  observation.status = state.status;
  const byStep = new Map(state.approvals.map((approval) => [approval.stepId, approval]));
  for (const asked of observation.approvals) {
    const approval = byStep.get(asked.step);
    if (!approval) continue;
    asked.outcome = approval.status;
    const last = approval.decisions.at(-1);
    if (last) asked.by = last.via === 'timeout' ? 'timeout' : (last.person ?? last.approver);
  }
}

/**
 * Terminates whatever of the case still runs on its task queue: its run when it did not end, and detached children
 * such as a takedown monitor, which would otherwise be joined by a later case following the same domain.
 */
async function stopLeftovers(client: Client, taskQueue: string): Promise<void> {
  const running = client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` });
  for await (const execution of running) {
    await client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .terminate('cordon test: the case is over')
      .catch(() => undefined);
  }
}

/** Runs one case to its end and returns what happened; never throws for what the run did. */
export async function runCase(
  env: CaseEnvironment,
  worker: CaseWorker,
  plan: Plan,
  tests: TestFile,
  test: TestCase,
): Promise<CaseObservation> {
  const observation: CaseObservation = { status: 'not_started', approvals: [], problems: [], notes: [] };
  const responders = testResponders(Object.values(tests.approvers).flat());
  const { taskQueue } = worker;
  let okta: CaseOkta | undefined;
  let takedown: CaseTakedown | undefined;
  try {
    okta = test.okta ? await startCaseOkta(test.okta) : undefined;
    takedown = test.takedown ? await startCaseTakedown(test.takedown) : undefined;
    worker.use({
      handlers: { ...okta?.handlers, ...takedown?.handlers, ...cannedHandlers(test.actions) },
      directory: createStaticDirectory(tests.approvers),
      verifyDecision: responders.verifyDecision,
    });
    const indicators = tests.indicators ?? { ips: [], domains: [] };
    let workflowId: string | undefined;
    try {
      workflowId = await startCaseRun(env, plan, test, indicators, taskQueue, observation);
    } catch (error) {
      if (!(error instanceof InputError || error instanceof EventFormatError)) throw error;
      observation.problems.push(`the run cannot start: ${error.message}`);
      return observation;
    }
    if (!workflowId) return observation;
    observation.workflowId = workflowId;
    try {
      const state = await drive({ env, workflowId, test, responders, observation });
      finish(observation, state);
      // The state says ended a workflow task before the workflow closes: wait for it, so that the next case with the
      // same workflow id starts a run of its own rather than joining this one.
      if (state.endedAt)
        await env.client.workflow
          .getHandle(workflowId)
          .result()
          .catch(() => undefined);
    } catch (error) {
      observation.problems.push(`the run could not be followed: ${errorFirstLine(error)}`);
    }
    if (okta) observation.okta = okta.changes();
    if (takedown) observation.takedown = takedown.received();
    return observation;
  } finally {
    await stopLeftovers(env.client, taskQueue);
    await okta?.close();
    await takedown?.close();
  }
}
