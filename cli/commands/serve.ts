/**
 * `cordon serve`: the HTTP server for Slack (slash command, approval buttons) and the detection hooks, with
 * `/healthz`. Without a Slack configuration it serves the hooks and `/healthz` alone; without the signing secret (the
 * worker's alone) it forwards Slack requests for the worker to verify. Runs until Ctrl-C; the worker
 * runs separately (`cordon up`, or `npm run worker`).
 */
import type { Client } from '@temporalio/client';
import { createHookRoutes } from '../../detections/routes';
import { loadPlaybookDir } from '../../detections/load-plans';
import type { Plan } from '../../dsl/plan';
import { ConfigError } from '../../config/config';
import { createSlackApp, SLACK_EVENTS_PATH, SlackAuthError } from '../../slack/app';
import { createSlackWebClient } from '../../slack/client';
import { createSlackDirectory } from '../../slack/directory';
import { configuredGroups, createApproverGroups } from '../../people/approver-groups';
import { playbookFolder } from '../../slack/plans';
import { HEALTH_PATH, startCordonServer, type HttpRoute } from '../../slack/server';
import { defineCommand, stringOption, type Command } from '../command';
import { portOf, untilSignal } from '../server-lifetime';
import type { CliContext } from '../context';

/** The extra routes `serve` mounts (the detection hooks by default). */
export type ServeRoutes = (input: { context: CliContext; client: Client; plans: readonly Plan[] }) => HttpRoute[];

export const hookRoutes: ServeRoutes = ({ context, client, plans }) =>
  createHookRoutes({
    client,
    taskQueue: context.config.temporal.taskQueue,
    plans,
    config: context.config.hooks,
    detectionRate: context.config.guardrails.governor.detectionRate,
  });

export function createServeCommand(extraRoutes: ServeRoutes = hookRoutes): Command {
  return defineCommand('serve', {
    usage: '[--port 3000 (CORDON_HTTP_PORT)] [--host 0.0.0.0]',
    options: { port: { type: 'string' }, host: { type: 'string' } },
    async run(args, context) {
      const { config } = context;
      const port = portOf(stringOption(args, 'port'), config.http.port);
      const client = await context.client();
      const { plans, failures } = await loadPlaybookDir(config.playbooksDir, context.registry);
      for (const failure of failures) failure.issues.forEach((issue) => context.err(`left out: ${issue}`));
      const routes = extraRoutes({ context, client, plans });

      let slack: Awaited<ReturnType<typeof createSlackApp>> | undefined;
      if (config.slack) {
        const web = createSlackWebClient(config.slack);
        slack = await createSlackApp({
          config: config.slack,
          temporal: client,
          taskQueue: config.temporal.taskQueue,
          plans: playbookFolder(config.playbooksDir, context.registry, (line) => context.err(line)),
          directory: createApproverGroups({
            configured: configuredGroups(config.people.directory.groups, config.groups),
            slack: createSlackDirectory(web),
          }),
          warn: (line) => context.err(line),
        }).catch((error: unknown) => {
          // A refused token is a configuration mistake: one line, no stack trace.
          throw error instanceof SlackAuthError ? new ConfigError(error.message) : error;
        });
        if (!config.slack.runPermissions) {
          context.err(
            'SLACK_RUN_PERMISSIONS is not set: anyone in the workspace may start playbooks (approvals still gate destructive steps)',
          );
        }
      }

      const server = await startCordonServer({
        port,
        host: stringOption(args, 'host'),
        routes,
        slack,
        warn: (line) => context.err(line),
      });
      context.out(`cordon serve on ${server.url} (health: ${HEALTH_PATH})`);
      context.out(
        config.slack
          ? `Slack: ${config.slack.command} and interactivity at ${SLACK_EVENTS_PATH}`
          : 'Slack: not configured (set SLACK_BOT_TOKEN; SLACK_SIGNING_SECRET is the worker’s)',
      );
      if (config.slack && !slack?.verifiesRequests) {
        context.out(
          'Slack: SLACK_SIGNING_SECRET is not set here, so requests are screened (rate, size, age, replay) and forwarded with their signature to the worker, which verifies them; status and list are not answered',
        );
      }
      if (routes.length > 0) context.out(`hooks: ${routes.map((route) => `${route.method} ${route.path}`).join(', ')}`);
      context.out(`${plans.length} playbook(s) loaded; Ctrl-C stops`);
      await untilSignal();
      await server.close();
      return 0;
    },
  });
}

export const serveCommand = createServeCommand();
