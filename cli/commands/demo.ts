/**
 * `npm run demo`: a whole containment on an embedded, throw-away dev server, no credentials needed. It starts the
 * Temporal dev server, the local Okta (seeded with a small org in the middle of a smishing campaign) and a worker whose
 * Okta actions go through the real Okta SDK to that local Okta; runs `okta-account-compromise` for a phished user;
 * approves the gated step as a second, simulated responder (and says so); and prints every step and what changed.
 */
import path from 'node:path';
import { createOktaClient } from '../../activities/okta/client';
import { oktaConfigFromEnv } from '../../config/okta';
import { connectClient, localServerSettings } from '../../runs/connect';
import { startRun } from '../../runs/start-run';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startDevServer } from '../../temporal/dev-server';
import { statusQuery } from '../../workflows/messages';
import { buildServices, startWorker } from '../../worker';
import { SIMULATED_RESPONDER, simulatedResponder } from '../../runs/simulated-responder';
import { UsageError, type Command } from '../command';
import type { CliContext } from '../context';
import { runLines } from '../render';
import { runTakedownDemo } from './demo-takedown';
import { follow } from './run';
import { temporalCli } from './up';

const PHISHED_USER = 'alice@example.com';

function printOktaState(okta: OktaStandIn, context: CliContext): void {
  const user = okta.user(PHISHED_USER);
  if (!user) return;
  context.out(
    `Local Okta, ${PHISHED_USER}: status ${user.status}, ${okta.state.sessionsOf(user.id).length} sessions, ` +
      `${okta.state.grantsOf(user.id).length} grants, ${okta.state.factorsOf(user.id).length} factors`,
  );
  context.out(`State changes at the local Okta: ${okta.changes.map((change) => change.kind).join(', ')}`);
}

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Contain a phished account end to end (embedded dev server, local Okta, real SDK), or with `takedown`, take ' +
    'down a phishing domain on the local stand-ins; no credentials needed.',
  usage: '[takedown]',
  async run(args, context) {
    const [which] = args.positionals;
    if (which === 'takedown') return runTakedownDemo(context);
    if (which !== undefined) throw new UsageError(`cordon demo takes nothing or "takedown", not "${which}"`);
    context.out('Starting an in-memory Temporal dev server and the local Okta ...');
    const server = await startDevServer({ cliPath: await temporalCli(context) });
    const okta = await startOktaStandIn({ seed: 'demo' });
    const oktaConfig = oktaConfigFromEnv({ OKTA_ORG_URL: okta.url, OKTA_API_TOKEN: okta.token });
    const config = {
      ...context.config,
      okta: oktaConfig,
      groups: { 'secops-oncall': [SIMULATED_RESPONDER], 'secops-leads': [SIMULATED_RESPONDER] },
      temporal: { ...context.config.temporal, taskQueue: 'cordon-demo' },
    };
    const settings = localServerSettings(server);
    // The simulated responder's decisions are signed and verified exactly as in production.
    const responder = simulatedResponder();
    const services = {
      ...buildServices(config, () => {}),
      clients: { okta: oktaConfig && createOktaClient(oktaConfig) },
      verifyDecision: responder.verifyDecision,
    };
    const stopAll = async () => {
      await okta.close();
      await server.stop();
    };
    const worker = await startWorker(config, settings, services).catch(async (error: unknown) => {
      await stopAll();
      throw error;
    });
    const running = worker.run();
    try {
      const client = await connectClient(settings);
      const plan = await context.plan(path.join(config.playbooksDir, 'okta-account-compromise.yaml'));
      const { handle, workflowId } = await startRun(client, {
        plan,
        inputs: { login: PHISHED_USER },
        requester: context.user,
        trigger: { kind: 'cli', source: 'demo' },
        taskQueue: config.temporal.taskQueue,
        incidentId: 'DEMO-1',
      });
      context.out(`Started ${workflowId} (${plan.title}), requested by ${context.user}; Okta at ${okta.url}.`);
      let state = await follow(handle, context, true);
      while (!state.endedAt) {
        for (const approval of state.approvals.filter((candidate) => candidate.status === 'pending')) {
          context.out(
            `  (demo) ${SIMULATED_RESPONDER}, a simulated second responder, approves step "${approval.stepId}" for ${context.user}.`,
          );
          await responder.approve(client, workflowId, approval);
        }
        state = await follow(handle, context, true);
      }
      await handle.result().catch(() => undefined);
      context.out('');
      runLines(await handle.query(statusQuery)).forEach((line) => context.out(line));
      printOktaState(okta, context);
      return state.status === 'succeeded' ? 0 : 1;
    } finally {
      await worker.shutdown();
      await running.catch(() => undefined);
      await stopAll();
    }
  },
};
