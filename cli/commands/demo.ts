/**
 * `npm run demo`: a whole containment on an embedded, throw-away dev server, no credentials needed. It starts the
 * Temporal dev server, the local Okta (seeded with a small org in the middle of a smishing campaign) and a worker whose
 * Okta actions go through the real Okta SDK to that local Okta; runs `okta-account-compromise` for a phished user;
 * approves the gated step as a second, simulated responder (and says so); and prints every step and what changed.
 */
import { createOktaClient } from '../../activities/okta/client';
import { oktaConfigFromEnv } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { startDevServer } from '../../temporal/dev-server';
import { buildServices } from '../../worker';
import { SIMULATED_RESPONDER } from '../../runs/simulated-responder';
import { defineCommand, UsageError } from '../command';
import type { CliContext } from '../context';
import { runTakedownDemo } from './demo-takedown';
import { demoConfig, printRun, runDemoPlaybook } from './demo-run';
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

export const demoCommand = defineCommand('demo', {
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
      ...demoConfig(context.config, 'cordon-demo', ['secops-oncall', 'secops-leads']),
      okta: oktaConfig,
    };
    return runDemoPlaybook(context, {
      config,
      server,
      services: { ...buildServices(config, () => {}), clients: { okta: oktaConfig && createOktaClient(oktaConfig) } },
      closeStandIns: () => okta.close(),
      playbook: 'okta-account-compromise.yaml',
      inputs: { login: PHISHED_USER },
      incidentId: 'DEMO-1',
      startedLine: (workflowId, title) =>
        `Started ${workflowId} (${title}), requested by ${context.user}; Okta at ${okta.url}.`,
      approvalLine: (stepId) =>
        `  (demo) ${SIMULATED_RESPONDER}, a simulated second responder, approves step "${stepId}" for ${context.user}.`,
      then: async ({ handle, state }) => {
        context.out('');
        await printRun(context, handle);
        printOktaState(okta, context);
        return state.status === 'succeeded' ? 0 : 1;
      },
    });
  },
});
