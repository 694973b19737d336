/**
 * Per-test-file access to the shared dev server: a client, a worker on a task queue of its own, and helpers to compile
 * playbooks from YAML and start runs. The worker runs every built-in action plus the test actions.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { inject } from 'vitest';
import type { ActionSpec } from '../../activities/action';
import type { HandlerMap } from '../../activities';
import { asHandlerMap } from '../../activities/builtin-handlers';
import type { EffectMap } from '../../activities/effect';
import { createStaticDirectory } from '../../activities/notify/static-directory';
import { builtinRegistry, type ActionRegistry } from '../../activities/registry';
import type { Directory, Notifier, RunEvent } from '../../activities/run-services';
import { compilePlaybook, loadPlaybookSource } from '../../dsl';
import type { Plan } from '../../dsl/plan';
import { startRun, type StartRunOptions } from '../../runs/start-run';
import { installRuntimeLogger } from '../../temporal/logger';
import { createCordonWorker, type CordonWorker } from '../../temporal/worker-factory';
import { createTestHandlers, readLedger, testActions } from './test-actions';
import { assembleActivities } from '../../activities/assemble';
import type { GateOptions } from '../../activities/gate-services';
import { createDecisionVerifier, createPersonResolver } from '../../activities/verify-decision';
import type { PeopleDirectory } from '../../people/directory';
import { testDirectory } from './people';
import type { GovernorConfig } from '../../config/governor';
import { CLIENT_CHANNEL_ARGS } from '../../temporal/client-channel';

export interface HarnessOptions {
  /** Handlers replacing the built-in ones (e.g. Okta against the local stand-in). */
  handlers?: HandlerMap;
  /** Effect describers for the handlers given (e.g. Okta's over a client pointed at the local Okta). */
  effects?: EffectMap;
  /** More action specs (with handlers in `handlers`). */
  specs?: readonly ActionSpec[];
  /** Approver groups. */
  groups?: Record<string, string[]>;
  /** A directory resolving approver groups, instead of the static `groups`. */
  directory?: Directory;
  /** A notifier; by default events are recorded in `harness.events`. */
  notifier?: Notifier;
  /** The worker's plan verification options (strict mode). */
  gate?: GateOptions;
  /** Who is who, for verifying decisions; by default the test directory (test/support/people.ts). */
  people?: PeopleDirectory;
  /** The Slack signing secret the worker verifies Slack decisions with. */
  slackSigningSecret?: string;
  /** A Slack user's profile e-mail, for people listed without a Slack id. */
  slackEmailOf?: (userId: string) => Promise<string | undefined>;
  /** The payload codec of the worker and the client (see codec/). */
  dataConverter?: DataConverter;
  /** The governor's limits; by default none (tests that count changes set their own). */
  governor?: GovernorConfig;
  /** Runs the worker keeps in memory; by default the worker's default. */
  maxCachedWorkflows?: number;
  /** Changes the worker's activities, e.g. to make one slow (the activities are ours; this is not a mock of Temporal). */
  wrapActivities?: (activities: ReturnType<typeof assembleActivities>) => ReturnType<typeof assembleActivities>;
}

export interface Harness {
  client: Client;
  taskQueue: string;
  registry: ActionRegistry;
  ledgerFile: string;
  events: RunEvent[];
  worker: CordonWorker;
  address: string;
  namespace: string;
  bundlePath: string;
  /** Compiles a playbook given as YAML text. */
  plan(yaml: string, file?: string): Plan;
  start(plan: Plan, inputs: Record<string, unknown>, options?: Partial<StartRunOptions>): ReturnType<typeof startRun>;
  ledger(): ReturnType<typeof readLedger>;
  shutdown(): Promise<void>;
}

let counter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  installRuntimeLogger('WARN');
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const bundlePath = inject('workflowBundlePath');
  const registry = builtinRegistry.with([...testActions, ...(options.specs ?? [])]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-harness-'));
  const ledgerFile = path.join(dir, 'ledger.jsonl');
  const events: RunEvent[] = [];
  const notifier: Notifier = options.notifier ?? {
    notify: async (event, refs) => {
      events.push(event);
      return refs;
    },
  };
  const assembled = assembleActivities({
    registry,
    handlers: { ...asHandlerMap(createTestHandlers(ledgerFile)), ...options.handlers },
    ...(options.effects ? { effects: options.effects } : {}),
    directory: options.directory ?? createStaticDirectory(options.groups ?? {}),
    notifier,
    gate: { ...options.gate, slackSigningSecret: options.slackSigningSecret },
    governor: options.governor,
    verifyDecision: createDecisionVerifier({
      people: options.people ?? testDirectory(),
      slackSigningSecret: options.slackSigningSecret,
      slackEmailOf: options.slackEmailOf,
    }),
    personOf: createPersonResolver({ people: options.people ?? testDirectory(), slackEmailOf: options.slackEmailOf }),
  });
  const activities = options.wrapActivities ? options.wrapActivities(assembled) : assembled;
  const taskQueue = `test-${process.pid}-${Date.now()}-${counter++}`;
  const worker = await createCordonWorker({
    connection: { address },
    namespace,
    taskQueue,
    activities,
    bundle: { code: await readFile(bundlePath, 'utf8') },
    dataConverter: options.dataConverter,
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  void worker.run();
  const connection = await Connection.connect({ address, channelArgs: CLIENT_CHANNEL_ARGS });
  const client = new Client({
    connection,
    namespace,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
  });
  return {
    client,
    taskQueue,
    registry,
    ledgerFile,
    events,
    worker,
    address,
    namespace,
    bundlePath,
    plan: (yaml, file = 'test.yaml') => compilePlaybook(loadPlaybookSource(yaml, file, registry), yaml, registry, file),
    start: (plan, inputs, startOptions = {}) =>
      startRun(client, {
        plan,
        inputs,
        requester: 'requester',
        trigger: { kind: 'cli' },
        taskQueue,
        ...startOptions,
      }),
    ledger: () => readLedger(ledgerFile),
    shutdown: async () => {
      await worker.shutdown();
      await connection.close();
    },
  };
}
