/**
 * What both demos do once their stand-ins and server are up: start a worker, run one playbook to its end with a
 * simulated second responder approving each gate (signed and verified as in production), print the run, and stop
 * everything, whatever happens.
 */
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../../config/config';
import { connectClient, localServerSettings } from '../../runs/connect';
import { SIMULATED_RESPONDER, simulatedResponder } from '../../runs/simulated-responder';
import { startRun } from '../../runs/start-run';
import { statusQuery } from '../../workflows/messages';
import type { runPlaybook } from '../../workflows/run-playbook';
import type { RunState } from '../../workflows/run-state';
import type { DevServer } from '../../temporal/dev-server';
import { startWorker, type WorkerServices } from '../../worker';
import type { CliContext } from '../context';
import { runLines } from '../render';
import { follow } from './run';

export interface DemoRunOptions {
  config: Config;
  /** The embedded dev server, stopped at the end. */
  server: DevServer;
  /** The worker's services; decisions are verified as the simulated responder's. */
  services: WorkerServices;
  /** Stops the demo's stand-ins. */
  closeStandIns: () => Promise<void>;
  /** A file under the playbooks folder. */
  playbook: string;
  inputs: Record<string, unknown>;
  incidentId: string;
  /** The line printed once the run has started. */
  startedLine: (workflowId: string, title: string) => string;
  /** The line printed before the responder approves a step. */
  approvalLine: (stepId: string) => string;
  /** After the run ended and was printed: the demo's own ending, giving the exit code. */
  then: (ended: { client: Client; handle: WorkflowHandle<typeof runPlaybook>; state: RunState }) => Promise<number>;
}

/** The demo's configuration: its own task queue, and the simulated responder alone in each approver group. */
export function demoConfig(base: Config, taskQueue: string, approverGroups: readonly string[]): Config {
  return {
    ...base,
    groups: Object.fromEntries(approverGroups.map((group) => [group, [SIMULATED_RESPONDER]])),
    temporal: { ...base.temporal, taskQueue },
  };
}

export async function runDemoPlaybook(context: CliContext, options: DemoRunOptions): Promise<number> {
  const { config } = options;
  const settings = localServerSettings(options.server, config);
  // The simulated responder's decisions are signed and verified exactly as in production.
  const responder = simulatedResponder();
  const services = { ...options.services, verifyDecision: responder.verifyDecision };
  const stopAll = async () => {
    await options.closeStandIns();
    await options.server.stop();
  };
  const worker = await startWorker(config, settings, services).catch(async (error: unknown) => {
    await stopAll();
    throw error;
  });
  const running = worker.run();
  try {
    const client = await connectClient(settings);
    const plan = await context.plan(path.join(config.playbooksDir, options.playbook));
    const { handle, workflowId } = await startRun(client, {
      plan,
      inputs: options.inputs,
      requester: context.user,
      trigger: { kind: 'cli', source: 'demo' },
      taskQueue: config.temporal.taskQueue,
      incidentId: options.incidentId,
    });
    context.out(options.startedLine(workflowId, plan.title));
    let state = await follow(handle, context, true);
    while (!state.endedAt) {
      for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
        context.out(options.approvalLine(approval.stepId));
        await responder.approve(client, workflowId, approval);
      }
      state = await follow(handle, context, true);
    }
    await handle.result().catch(() => undefined);
    return await options.then({ client, handle, state });
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await stopAll();
  }
}

/** The run as `cordon status` prints it. */
export async function printRun(context: CliContext, handle: WorkflowHandle<typeof runPlaybook>): Promise<void> {
  runLines(await handle.query(statusQuery)).forEach((line) => context.out(line));
}
