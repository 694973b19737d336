/**
 * What the Okta-backed benchmarks share: a cordon worker whose Okta actions reach the local Okta through the real SDK,
 * the shipped playbooks compiled as they are, and the arrival time of a user's first containment write.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleActivities } from '../activities/assemble';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { createOktaClient } from '../activities/okta/client';
import { builtinRegistry } from '../activities/registry';
import type { Notifier } from '../activities/run-services';
import type { DecisionVerdict, VerifyDecisionInput } from '../activities/verify-decision';
import { oktaConfigSchema } from '../config/okta';
import { compilePlaybook, loadPlaybookSource } from '../dsl';
import type { Plan } from '../dsl/plan';
import type { OktaStandIn } from '../stand-ins/okta';
import { createCordonWorker, type CordonWorker, type WorkflowBundle } from '../temporal/worker-factory';
import type { TemporalTarget } from './bench-temporal';

const PLAYBOOKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'playbooks');

/** The Okta operations that change what an attacker holds (the containment writes). */
export const CONTAINMENT_WRITES: ReadonlySet<string> = new Set([
  'revokeUserSessions',
  'revokeUserGrants',
  'resetFactors',
  'suspendUser',
]);

/** A shipped playbook (`playbooks/<id>.yaml`), compiled as it is. */
export async function shippedPlan(id: string): Promise<Plan> {
  const file = path.join(PLAYBOOKS, `${id}.yaml`);
  const source = await readFile(file, 'utf8');
  return compilePlaybook(loadPlaybookSource(source, file, builtinRegistry), source, builtinRegistry, file);
}

export interface OktaWorkerOptions {
  target: TemporalTarget;
  /** The local Okta (or where it listens, for a worker in another process). */
  okta: Pick<OktaStandIn, 'url' | 'token'>;
  taskQueue: string;
  bundle: WorkflowBundle;
  /** Approver groups. @default none */
  groups?: Record<string, string[]>;
  verifyDecision?: (input: VerifyDecisionInput) => Promise<DecisionVerdict>;
  /** @default the worker log, discarded */
  notifier?: Notifier;
  /** Runs the worker keeps in memory. @default the worker's default */
  maxCachedWorkflows?: number;
}

/** A running cordon worker with a fresh Okta client (its own connections) pointed at the local Okta. */
export async function startOktaWorker(options: OktaWorkerOptions): Promise<CordonWorker> {
  const { okta } = options;
  const worker = await createCordonWorker({
    connection: { address: options.target.address },
    namespace: options.target.namespace,
    taskQueue: options.taskQueue,
    bundle: options.bundle,
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    activities: assembleActivities({
      clients: {
        okta: createOktaClient(oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token: okta.token } })),
      },
      directory: createStaticDirectory(options.groups ?? {}),
      notifier: options.notifier ?? createLogNotifier(() => {}),
      ...(options.verifyDecision ? { verifyDecision: options.verifyDecision } : {}),
    }),
  });
  void worker.run();
  return worker;
}

/** When the first containment write about `userId` reached the local Okta (epoch ms), if one has. */
export function firstWriteAt(okta: OktaStandIn, userId: string): number | undefined {
  const times = okta.requests
    .filter((request) => CONTAINMENT_WRITES.has(request.operation) && request.path.includes(`/users/${userId}/`))
    .map((request) => Date.parse(request.at));
  return times.length > 0 ? Math.min(...times) : undefined;
}
