/**
 * The activity boundary: binds action handlers to their specs, validates input and output with the specs' schemas,
 * and converts failures to `ApplicationFailure`s whose `type` says what went wrong and whether a retry can help.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionContext, ActionHandler, ActionLogger, ActionSpec } from './action';
import { ActionError, FAILURE_TYPES } from './errors';
import { refuseAllGrants, type CheckedGrants, type GrantChecker } from './principal-grants';
import type { ActionRegistry } from './registry';
import type { RunServices } from './run-services';
import { errorMessage } from './error-message';

/** An activity function as the worker registers it: each takes one argument of its own type. */
export type ActivityFunction = (input: never) => Promise<unknown>;

/** Handlers keyed by action name; each must match a spec of the registry. */
export type HandlerMap = Record<string, ActionHandler<ActionSpec>>;

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`).join('; ');
}

function activityLogger(): ActionLogger {
  const { log } = Context.current();
  return {
    info: (message, fields) => {
      log.info(message, fields);
    },
    warn: (message, fields) => {
      log.warn(message, fields);
    },
  };
}

/**
 * How often a running action heartbeats on its own. The workflow gives action activities a heartbeat timeout (20 s,
 * see workflows/action-runner.ts), so a step whose worker died is retried as soon as the heartbeats stop, not after
 * the step's whole timeout; the SDK throttles what it sends to the server.
 */
export const ACTION_HEARTBEAT_EVERY_MS = 5_000;

/** The handler's context, with heartbeats kept up until `stop()`, repeating the handler's last details. */
function currentContext(grants: CheckedGrants): ActionContext & { stop(): void } {
  const context = Context.current();
  let details: unknown;
  const timer = setInterval(() => context.heartbeat(details), ACTION_HEARTBEAT_EVERY_MS);
  return {
    stop: () => clearInterval(timer),
    heartbeat: (next) => {
      details = next;
      context.heartbeat(next);
    },
    signal: context.cancellationSignal,
    workflowId: context.info.workflowExecution?.workflowId ?? '',
    activityId: context.info.activityId,
    attempt: context.info.attempt,
    scheduledAt: new Date(context.info.scheduledTimestampMs).toISOString(),
    log: activityLogger(),
    approvedPrincipals: grants.approved,
    refusedPrincipals: grants.refused,
  };
}

/** Converts whatever a handler threw into a failure the workflow can branch on by `type`. */
export function toApplicationFailure(spec: ActionSpec, error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ActionError) {
    return ApplicationFailure.create({
      type: error.type,
      message: `${spec.name}: ${error.message}`,
      nonRetryable: !error.retryable,
      nextRetryDelay: error.options.retryAfterMs,
      details: error.options.details ? [error.options.details] : [],
      cause: error.cause instanceof Error ? error.cause : undefined,
    });
  }
  const message = errorMessage(error);
  return ApplicationFailure.create({
    type: FAILURE_TYPES.unavailable,
    message: `${spec.name}: ${message}`,
    cause: error instanceof Error ? error : undefined,
  });
}

/**
 * Runs before a state-changing action (impact other than `read`); throws to refuse it. `pass` is the activity's second
 * argument, which only the run's workflow code gives (see activities/governor-guard.ts).
 */
export type ChangeGuard = (spec: ActionSpec, pass: unknown) => Promise<void>;

/**
 * Wraps one handler with validation and failure conversion, and the change guard for state-changing actions. The
 * handler sees only the protected-account grants `checkGrants` accepts (by default none: see principal-grants.ts).
 */
export function bindAction(
  spec: ActionSpec,
  handler: ActionHandler<ActionSpec>,
  beforeChange?: ChangeGuard,
  checkGrants: GrantChecker = refuseAllGrants,
): (input: unknown, pass?: unknown) => Promise<unknown> {
  return async (rawInput, pass) => {
    const input = spec.input.safeParse(rawInput);
    if (!input.success) {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.invalidInput,
        message: `${spec.name}: invalid input: ${describeIssues(input.error.issues)}`,
        nonRetryable: true,
      });
    }
    let output: unknown;
    // Checked against the input as the workflow sent it: what the worker signed, before any default is filled in.
    const context = currentContext(pass === undefined ? { approved: [], refused: [] } : checkGrants(pass, rawInput));
    try {
      if (beforeChange && spec.impact !== 'read') await beforeChange(spec, pass);
      output = await handler(input.data, context);
    } catch (error) {
      // A cancelled step is reported as cancelled by the SDK, not as a failure of the service.
      if (Context.current().cancellationSignal.aborted) throw error;
      throw toApplicationFailure(spec, error);
    } finally {
      context.stop();
    }
    const checked = spec.output.safeParse(output);
    if (!checked.success) {
      // A handler that breaks its own contract is a bug: retrying would repeat it.
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.invalidOutput,
        message: `${spec.name}: returned output that does not match its schema: ${describeIssues(checked.error.issues)}`,
        nonRetryable: true,
      });
    }
    return checked.data;
  };
}

/** Thrown at worker start when an action has no handler or a handler has no action. */
export class MissingHandlerError extends Error {
  override readonly name = 'MissingHandlerError';
}

/**
 * All activities of a worker: one per registered action, plus the interpreter's services. Every action of the registry
 * must have a handler, so a worker never accepts a plan it cannot run.
 */
export function createActivities(
  registry: ActionRegistry,
  handlers: HandlerMap,
  services: RunServices,
  beforeChange?: ChangeGuard,
  checkGrants?: GrantChecker,
): Record<string, ActivityFunction> {
  const activities: Record<string, ActivityFunction> = {};
  for (const spec of registry.list()) {
    if (spec.workflow) continue;
    const handler = handlers[spec.name];
    if (!handler) throw new MissingHandlerError(`action ${spec.name} has no handler on this worker`);
    activities[spec.name] = bindAction(spec, handler, beforeChange, checkGrants);
  }
  for (const name of Object.keys(handlers)) {
    if (!registry.has(name)) throw new MissingHandlerError(`handler ${name} has no action in the registry`);
  }
  return { ...activities, ...services };
}
