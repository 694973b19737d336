/**
 * `npm run demo`: a whole containment on an embedded, throw-away dev server, no credentials needed. It starts the
 * server and a worker, runs the demonstration playbook, approves its gated step as a second, simulated responder
 * (and says so), and prints every step.
 */
import path from 'node:path';
import { decide } from '../../runs/decide';
import { connectClient } from '../../runs/connect';
import { startRun } from '../../runs/start-run';
import { startDevServer } from '../../temporal/dev-server';
import { statusQuery } from '../../workflows/messages';
import { buildServices, startWorker } from '../../worker';
import type { Command } from '../command';
import { runLines } from '../render';
import { follow } from './run';
import { temporalCli } from './up';

const SIMULATED_RESPONDER = 'demo-responder';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the demonstration playbook end to end on an embedded dev server (no credentials needed).',
  usage: '',
  async run(_args, context) {
    context.out('Starting an in-memory Temporal dev server ...');
    const server = await startDevServer({ cliPath: await temporalCli(context) });
    const config = {
      ...context.config,
      groups: { 'secops-oncall': [SIMULATED_RESPONDER] },
      temporal: { ...context.config.temporal, taskQueue: 'cordon-demo' },
    };
    const settings = { address: server.address, namespace: server.namespace, options: { address: server.address } };
    const worker = await startWorker(config, settings, buildServices(config, () => {})).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    const running = worker.run();
    try {
      const client = await connectClient(settings);
      const plan = await context.plan(path.join(config.playbooksDir, 'demo-containment.yaml'));
      const { handle, workflowId } = await startRun(client, {
        plan,
        inputs: { login: 'jane.doe@example.com', phishingDomain: 'example-okta.test', attackerIp: '203.0.113.7' },
        requester: context.user,
        trigger: { kind: 'cli', source: 'demo' },
        taskQueue: config.temporal.taskQueue,
        incidentId: 'DEMO-1',
      });
      context.out(`Started ${workflowId} (${plan.title}), requested by ${context.user}.`);
      let state = await follow(handle, context, true);
      while (!state.endedAt) {
        for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
          context.out(
            `  (demo) ${SIMULATED_RESPONDER}, a simulated second responder, approves step "${approval.stepId}" for ${context.user}.`,
          );
          await decide(client, workflowId, {
            stepId: approval.stepId,
            decision: 'approve',
            approver: SIMULATED_RESPONDER,
            inputsHash: approval.inputsHash,
            reason: 'demo approval',
          });
        }
        state = await follow(handle, context, true);
      }
      await handle.result().catch(() => undefined);
      context.out('');
      runLines(await handle.query(statusQuery)).forEach((line) => context.out(line));
      return state.status === 'succeeded' ? 0 : 1;
    } finally {
      await worker.shutdown();
      await running.catch(() => undefined);
      await server.stop();
    }
  },
};
