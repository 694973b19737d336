/**
 * What every Okta scenario of the campaign runs on: a Temporal server (the tests' own, or a scratch dev server), the
 * local Okta, the shipped `okta-account-compromise` playbook compiled as cordon compiles it, and a people directory in
 * which `responder` (of secops-oncall) approves with their own key. Workers are cordon's real worker in child
 * processes (see `worker-child.ts`), so any of them can be killed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import type { Plan } from '../../dsl/plan';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { writeTestDirectory } from '../support/people';
import { spawnStandbyWorker, type StandbyWorker, type WorkerChild, type WorkerChildOptions } from './worker-child';

const PLAYBOOKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'playbooks');

export interface TemporalTarget {
  address: string;
  namespace: string;
}

export interface AccountWorld {
  okta: OktaStandIn;
  client: Client;
  plan: Plan;
  taskQueue: string;
  /** Starts one more of cordon's workers on the world's task queue (from a standby loaded ahead). */
  startWorker(): Promise<WorkerChild>;
  close(): Promise<void>;
}

let counter = 0;

export interface AccountWorldOptions {
  /** The workers' longest wait for one Okta request (OKTA_REQUEST_TIMEOUT_MS). */
  oktaRequestTimeoutMs?: number;
  /** Members of `secops-oncall`, who approve the lock-down. @default ['responder'] */
  approvers?: string[];
  /** The shipped playbook the world's plan is compiled from. @default okta-account-compromise */
  playbook?: string;
  /** More of the workers' environment (SLACK_* for a world with the local Slack). */
  extraEnv?: Readonly<Record<string, string>>;
}

export async function openAccountWorld(
  temporal: TemporalTarget,
  name: string,
  options: AccountWorldOptions = {},
): Promise<AccountWorld> {
  const okta = await startOktaStandIn();
  const dir = await mkdtemp(path.join(os.tmpdir(), `cordon-faults-${name}-`));
  const directoryFile = path.join(dir, 'people.yaml');
  writeTestDirectory(directoryFile, { 'secops-oncall': { members: options.approvers ?? ['responder'] } });
  const playbook = path.join(PLAYBOOKS, `${options.playbook ?? 'okta-account-compromise'}.yaml`);
  const source = await readFile(playbook, 'utf8');
  const plan = compilePlaybookSource(source, playbook, builtinRegistry);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const taskQueue = `faults-${name}-${process.pid}-${Date.now()}-${counter++}`;
  const workers: WorkerChild[] = [];
  const childOptions: WorkerChildOptions = {
    temporalAddress: temporal.address,
    namespace: temporal.namespace,
    taskQueue,
    oktaUrl: okta.url,
    oktaToken: okta.token,
    directoryFile,
    dataDir: dir,
    oktaRequestTimeoutMs: options.oktaRequestTimeoutMs,
    // The governor's default (25 suspensions an hour) holds the 26th run of a full-scale scenario for an hour, which
    // the scenario would count as lost: the campaign measures faults, and the governor has tests of its own.
    limits: 'okta.suspend_user=off,okta.clear_sessions=off',
    extraEnv: options.extraEnv,
  };
  let standby: Promise<StandbyWorker> | undefined;
  const loadStandby = () => {
    const loading = spawnStandbyWorker(childOptions);
    // Awaited when used; a standby that fails to load fails the next start, not an unhandled rejection.
    loading.catch(() => undefined);
    return loading;
  };
  return {
    okta,
    client,
    plan,
    taskQueue,
    startWorker: async () => {
      const next = await (standby ?? loadStandby());
      standby = loadStandby();
      const worker = await next.activate();
      workers.push(worker);
      return worker;
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.kill()));
      await standby?.then((unused) => unused.discard()).catch(() => undefined);
      await connection.close();
      await okta.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
