/**
 * Someone else's workflow code, for the grant tests: it schedules cordon's actions on cordon's task queue with a second
 * argument of its own making (a forged grant for a protected account), as anyone who can start workflows on the
 * namespace and run a worker of their own could. Bundled on its own (`bundleWorkflowCode`), never by cordon's worker.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';

export interface ForgedCall {
  /** cordon's task queue, where its worker runs the activity. */
  taskQueue: string;
  action: string;
  input: unknown;
  pass: unknown;
}

/** What became of the call: its output, or the failure's type and message. */
export type ForgedOutcome = { output: unknown } | { type: string; message: string };

export async function forgeGrant(call: ForgedCall): Promise<ForgedOutcome> {
  const activities = proxyActivities<Record<string, (input: unknown, pass: unknown) => Promise<unknown>>>({
    taskQueue: call.taskQueue,
    startToCloseTimeout: '20s',
    retry: { maximumAttempts: 1 },
  });
  const activity = activities[call.action];
  if (!activity) throw ApplicationFailure.nonRetryable(`no activity ${call.action}`);
  try {
    return { output: await activity(call.input, call.pass) };
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
      return { type: error.cause.type ?? '', message: error.cause.message };
    }
    throw error;
  }
}
