/**
 * One worker for a whole `cordon test` run, whose actions, approver groups and decision verifier are those of the
 * case running now. Cases run one at a time and each ends with nothing left running on the queue, so a call always
 * belongs to the current case; a worker per case would cost seconds each to load the workflow code.
 */
import type { HandlerMap } from '../activities';
import type { ActionHandler, ActionSpec } from '../activities/action';
import { assembleActivities } from '../activities/assemble';
import { createBuiltinHandlers } from '../activities/builtin-handlers';
import type { ActionRegistry } from '../activities/registry';
import type { Directory } from '../activities/run-services';
import type { DecisionVerdict, VerifyDecisionInput } from '../activities/verify-decision';
import { createCordonWorker, type CordonWorker, type WorkflowBundle } from '../temporal/worker-factory';

/** What a case puts behind the worker. */
export interface CaseServices {
  /** Handlers replacing the built-in ones (canned answers, Okta on the local stand-in). */
  handlers: HandlerMap;
  directory: Directory;
  verifyDecision: (input: VerifyDecisionInput) => Promise<DecisionVerdict>;
}

export interface CaseWorker {
  taskQueue: string;
  /** Puts a case's services behind the worker until the next call. */
  use(services: CaseServices): void;
  shutdown(): Promise<void>;
}

/** Thrown when the worker is called between cases: a leftover of a case that should have been stopped. */
export class NoCurrentCaseError extends Error {
  override readonly name = 'NoCurrentCaseError';
}

export async function startCaseWorker(options: {
  address: string;
  namespace: string;
  bundle: WorkflowBundle;
  registry: ActionRegistry;
}): Promise<CaseWorker> {
  // Without a client, an integration's actions fail with NotConfigured: a case cans them or brings a stand-in.
  const builtin = createBuiltinHandlers({});
  let current: CaseServices | undefined;
  const services = (): CaseServices => {
    if (!current) throw new NoCurrentCaseError('a playbook test worker was called while no case runs');
    return current;
  };
  const handlers: HandlerMap = {};
  for (const spec of options.registry.list()) {
    if (spec.workflow) continue;
    const dispatch: ActionHandler<ActionSpec> = (input, context) => {
      const handler = services().handlers[spec.name] ?? builtin[spec.name];
      if (!handler) throw new NoCurrentCaseError(`no handler for ${spec.name}`);
      return handler(input, context);
    };
    handlers[spec.name] = dispatch;
  }
  const taskQueue = `cordon-test-${process.pid}-${Date.now()}`;
  const worker: CordonWorker = await createCordonWorker({
    connection: { address: options.address },
    namespace: options.namespace,
    taskQueue,
    activities: assembleActivities({
      registry: options.registry,
      handlers,
      directory: { membersOf: (group) => services().directory.membersOf(group) },
      notifier: { notify: async (_event, refs) => refs },
      verifyDecision: (input) => services().verifyDecision(input),
    }),
    bundle: options.bundle,
    identity: 'cordon test',
  });
  const running = worker.run();
  return {
    taskQueue,
    use: (next) => {
      current = next;
    },
    shutdown: async () => {
      await worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}
