/**
 * The composition root: reads the configuration once, builds the integration clients, and runs a worker for cordon's
 * workflows and actions. `npm run worker` runs it against TEMPORAL_ADDRESS (or the local dev server of `cordon up`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IntegrationClients } from './activities/builtin-handlers';
import { createLogNotifier } from './activities/notify/log-notifier';
import { createOktaClient } from './activities/okta/client';
import type { Directory, Notifier } from './activities/run-services';
import {
  createDecisionVerifier,
  createPersonResolver,
  type DecisionVerdict,
  type PersonResolver,
  type VerifyDecisionInput,
} from './activities/verify-decision';
import { configuredGroups } from './people/approver-groups';
import { loadConfig, type Config, type Env } from './config/config';
import { connectionSettings, type ConnectionSettings } from './runs/connect';
import { createSlackWebClient } from './slack/client';
import { createSlackEscalationNotifier } from './slack/takedown-escalations';
import { withSlack } from './slack/worker-services';
import { installConfiguredRuntime } from './temporal/logger';
import { createCordonWorker, type CordonWorker } from './temporal/worker-factory';
import { assembleActivities } from './activities/assemble';
import { sourceHash } from './dsl/compile';
import { errorMessage } from './activities/error-message';
import { isPlaybookFileName } from './dsl/playbook-files';
import type { Tracing } from './tracing/tracing';
import { processTracing } from './tracing/process-tracing';

export interface WorkerServices {
  clients: IntegrationClients;
  directory: Directory;
  notifier: Notifier;
  /** Verifies approval decisions against the people directory and Slack's signing secret. */
  verifyDecision: (input: VerifyDecisionInput) => Promise<DecisionVerdict>;
  /** Who is who (people directory, Slack profiles), to keep people who may not decide out of the approver lists. */
  personOf: PersonResolver;
}

/** The integrations this configuration enables; anything not configured fails its steps with `NotConfigured`. */
export function buildServices(
  config: Config,
  log: (line: string) => void = console.log,
  /** Where the integrations count their requests (the runtime's, served on the Prometheus endpoint). */
  meter?: MetricMeter,
): WorkerServices {
  const { directory: people } = config.people;
  const notify = withSlack(config.slack, {
    groups: configuredGroups(people.groups, config.groups),
    notifier: createLogNotifier(log),
  });
  return {
    clients: {
      okta: config.okta ? createOktaClient(config.okta, undefined, meter) : undefined,
      guardrails: config.guardrails,
      takedown: {
        config: config.takedown,
        // Escalations go where runs post: Slack's default channel when there is one, else the worker log.
        notifier: config.slack?.defaultChannel
          ? createSlackEscalationNotifier(
              createSlackWebClient(config.slack, { rejectRateLimitedCalls: true, retries: 1, timeoutMs: 8000 }),
              config.slack.defaultChannel,
            )
          : undefined,
      },
    },
    directory: notify.directory,
    notifier: notify.notifier,
    verifyDecision: createDecisionVerifier({
      people,
      slackSigningSecret: config.slack?.signingSecret,
      slackEmailOf: notify.slackEmailOf,
    }),
    personOf: createPersonResolver({ people, slackEmailOf: notify.slackEmailOf }),
  };
}

/** Thrown when strict mode is on but the playbooks folder gives no playbook to run. */
export class StrictModeError extends Error {
  override readonly name = 'StrictModeError';
}

/** The sha256 of every playbook file in a folder: in strict mode, the only playbooks the worker runs. */
export function knownPlaybooks(dir: string): Set<string> {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isPlaybookFileName);
  } catch (error) {
    throw new StrictModeError(`strict mode: cannot read the playbooks folder ${dir}: ${errorMessage(error)}`);
  }
  if (names.length === 0)
    throw new StrictModeError(`strict mode: no playbook (*.yaml) in ${dir}, so nothing could run`);
  return new Set(names.map((name) => sourceHash(readFileSync(path.join(dir, name), 'utf8'))));
}

export async function startWorker(
  config: Config,
  settings: ConnectionSettings,
  services?: WorkerServices,
  /** Traces of the workflows, activities and Okta calls; default: the process's, when CORDON_OTLP_ENDPOINT is set. */
  tracing: Tracing | undefined = processTracing(),
): Promise<CordonWorker> {
  const gate = {
    ...(config.strictPlaybooks ? { knownPlaybooks: knownPlaybooks(config.playbooksDir) } : {}),
    slackSigningSecret: config.slack?.signingSecret,
  };
  // The worker runs on the process's runtime anyway; its meter serves cordon's metrics beside Temporal's.
  const built = services ?? buildServices(config, console.log, Runtime.instance().metricMeter);
  const activities = assembleActivities({
    ...built,
    gate,
    governor: config.guardrails.governor,
    grantKey: config.guardrails.grantKey,
  });
  return createCordonWorker({
    connection: settings.options,
    namespace: settings.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    dataConverter: settings.dataConverter,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    ...(tracing ? { tracing: (await import('./tracing/worker-tracing')).workerTracingOptions(tracing) } : {}),
  });
}

async function main(env: Env): Promise<void> {
  const config = loadConfig(env);
  const log = installConfiguredRuntime(config);
  const settings = connectionSettings(config, env);
  const endpoint = config.telemetry.otlpEndpoint;
  const tracing = endpoint ? (await import('./tracing/provider')).startTracing(endpoint, 'cordon-worker') : undefined;
  const worker = await startWorker(config, settings, undefined, tracing);
  log.info(
    `cordon worker: ${settings.address}, namespace ${settings.namespace}, task queue ${config.temporal.taskQueue}` +
      (config.strictPlaybooks ? `, strict: only the playbooks in ${config.playbooksDir}` : ''),
    { metrics: config.telemetry.metricsAddress ?? 'off', traces: endpoint ?? 'off' },
  );
  if (config.slack && !config.slack.signingSecret) {
    console.warn(
      'cordon worker: SLACK_SIGNING_SECRET is not set: no Slack click or slash command can be verified, so Slack decisions do not count and runs started from Slack fail',
    );
  }
  if (!config.guardrails.grantKey) {
    log.info(
      'cordon worker: CORDON_GRANT_KEY is not set: grants for protected accounts verify only on this worker process; give every worker of the task queue the same key',
    );
  }
  if (!config.people.directoryFile) {
    log.warn('cordon worker: CORDON_DIRECTORY is not set: no approval decision can be verified, so none counts');
  }
  const stop = () => void worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.run();
  await tracing?.shutdown();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.env).catch((error: unknown) => {
    console.error(`cordon worker: ${errorMessage(error)}`);
    process.exit(1);
  });
}
