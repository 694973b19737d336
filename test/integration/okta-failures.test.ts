/**
 * How `okta.*` actions fail, through the real SDK against the local Okta: which failures are retried (by the SDK
 * itself, or by the activity's retry policy through a retryable failure type) and which fail at once, naming the
 * operation, the target and, for a 403, the missing permission.
 */
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindAction } from '../../activities';
import type { ActionHandler, ActionSpec } from '../../activities/action';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { ActionError } from '../../activities/errors';
import { createOktaClient } from '../../activities/okta/client';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaActions, oktaSuspendUser } from '../../activities/okta/specs';
import { oktaConfigSchema, type OktaConfigInput } from '../../config/okta';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { recordingContext } from '../../stand-ins/okta/testing';

let okta: OktaStandIn;

beforeEach(async () => {
  okta = await startOktaStandIn();
});

afterEach(async () => {
  await okta.close();
});

function handlersFor(overrides: Partial<OktaConfigInput> = {}, token = okta.token) {
  const config = oktaConfigSchema.parse({ orgUrl: okta.url, auth: { mode: 'ssws', token }, ...overrides });
  return asHandlerMap(createOktaHandlers(createOktaClient(config)));
}

/** Calls a handler directly and returns what it threw. */
async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ActionError)) throw new Error(`expected an ActionError, got ${String(error)}`);
  return error;
}

/** The activity environment's own log lines would only repeat what the assertions check. */
const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs a handler as an activity (schema validation and failure conversion), as the worker does. */
async function runActivity(spec: ActionSpec, handler: ActionHandler<ActionSpec> | undefined, input: unknown) {
  if (!handler) throw new Error(`no handler for ${spec.name}`);
  const activity = bindAction(spec, handler);
  return new MockActivityEnvironment(undefined, { logger: quiet }).run<[unknown], unknown, typeof activity>(
    activity,
    input,
  );
}

async function activityFailure(spec: ActionSpec, handler: ActionHandler<ActionSpec> | undefined, input: unknown) {
  const error: unknown = await runActivity(spec, handler, input).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

const suspend = (handlers: ReturnType<typeof handlersFor>, userId: string, attempt = 1) =>
  handlers['okta.suspend_user']?.({ userId }, recordingContext({ attempt })) ?? Promise.reject(new Error('no handler'));

describe('failures that no retry can fix', () => {
  it('an unknown user fails with a non-retryable NotFound that names the user', async () => {
    const handlers = handlersFor();
    const failed = await activityFailure(oktaSuspendUser, handlers['okta.suspend_user'], {
      userId: 'nobody@example.com',
    });
    expect(failed.type).toBe('NotFound');
    expect(failed.nonRetryable).toBe(true);
    expect(failed.message).toBe(
      'okta.suspend_user: Okta getUser failed: 404 for user nobody@example.com: E0000007 Not found: Resource not found: nobody@example.com (User)',
    );
  });

  it('a token without the permission fails with a non-retryable Forbidden naming the user and the permission', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const readOnly = okta.addApiToken({ login: 'helpdesk@example.com', scopes: ['okta.users.read'] });
    const error = await failure(suspend(handlersFor({}, readOnly.token), alice.id));
    expect(error.type).toBe('Forbidden');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `Okta suspendUser failed: 403 for user ${alice.id}: the credentials lack the okta.users.manage permission: E0000006 You do not have permission to perform the requested action`,
    );
    expect(okta.user(alice.id)?.status).toBe('ACTIVE');
  });

  it('an unknown API token fails as Forbidden, saying Okta rejected the credentials', async () => {
    okta.addUser({ login: 'alice@example.com' });
    const error = await failure(suspend(handlersFor({}, 'not-a-token'), 'alice@example.com'));
    expect(error.type).toBe('Forbidden');
    expect(error.message).toMatch(
      /401 for user alice@example.com: Okta rejected the credentials: E0000011 Invalid token provided/,
    );
  });

  it("an illegal lifecycle transition fails as a non-retryable Conflict with Okta's reason and the user's status", async () => {
    const gone = okta.addUser({ login: 'gone@example.com', status: 'DEPROVISIONED' });
    const error = await failure(suspend(handlersFor(), gone.id));
    expect(error.type).toBe('Conflict');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /in status DEPROVISIONED: E0000001 Api validation failed: suspendUser \(Cannot suspend a user that is not active\)/,
    );
  });

  it('a worker without Okta registers every action and fails each with NotConfigured', async () => {
    const handlers = asHandlerMap(createOktaHandlers(undefined));
    expect(Object.keys(handlers).sort()).toEqual(oktaActions.map((spec) => spec.name).sort());
    const failed = await activityFailure(oktaSuspendUser, handlers['okta.suspend_user'], {
      userId: 'alice@example.com',
    });
    expect(failed).toMatchObject({ type: 'NotConfigured', nonRetryable: true });
    expect(failed.message).toContain('set OKTA_ORG_URL and OKTA_API_TOKEN');
  });
});

describe('rate limits', () => {
  it('a 429 with a reset a second ahead is waited out, and the action succeeds', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 1_000 });
    const started = Date.now();
    const result = await suspend(handlersFor(), alice.id);
    expect(result).toMatchObject({ status: 'SUSPENDED', changed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(okta.requestsOf('suspendUser').map((request) => request.status)).toEqual([429, 200]);
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
  });

  it('a used-up budget is waited out before Okta says 429, from the headers of the last answer', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const bob = okta.addUser({ login: 'bob@example.com' });
    // The first suspension leaves no budget for the second.
    okta.rateLimits.set('suspendUser', { limit: 1, windowMs: 1_500 });
    const context = recordingContext();
    const handlers = handlersFor();
    expect(await handlers['okta.suspend_user']?.({ userId: alice.id }, context)).toMatchObject({ status: 'SUSPENDED' });
    expect(await handlers['okta.suspend_user']?.({ userId: bob.id }, context)).toMatchObject({ status: 'SUSPENDED' });
    expect(okta.requestsOf('suspendUser').map((request) => request.status)).toEqual([200, 200]);
    expect(context.heartbeats).toContainEqual({
      rateLimit: expect.objectContaining({
        bucket: 'POST /api/v1/users/{}/lifecycle/suspend',
        message: expect.stringMatching(/^waiting for Okta's rate limit \(resets in \d+ s\)$/),
      }),
    });
  });

  it('429s are waited out however many come, heartbeating, without using up retries', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 500 }, 4);
    const context = recordingContext();
    const result = await handlersFor()['okta.suspend_user']?.({ userId: alice.id }, context);
    expect(result).toMatchObject({ status: 'SUSPENDED', changed: true });
    expect(okta.requestsOf('suspendUser').map((request) => request.status)).toEqual([429, 429, 429, 429, 200]);
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
    expect(context.heartbeats.length).toBeGreaterThanOrEqual(4);
  });

  it("the request timeout does not fire while a request waits for the reset (the SDK's own executor failed here)", async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 1_500 });
    const result = await suspend(handlersFor({ requestTimeoutMs: 300 }), alice.id);
    expect(result).toMatchObject({ status: 'SUSPENDED', changed: true });
  });

  it('a cancelled step stops waiting at once', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 30_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 500);
    const handler = handlersFor()['okta.suspend_user'];
    const outcome = await handler?.({ userId: alice.id }, recordingContext({ signal: controller.signal })).then(
      () => 'finished',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );
    expect(outcome).not.toBe('finished');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(okta.changesOf('suspendUser')).toHaveLength(0);
  });

  it('a 429 without X-Rate-Limit-Reset gives nothing to wait for: it fails as a retryable RateLimited', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'rateLimit', resetInMs: 1_000, omitReset: true });
    const error = await failure(suspend(handlersFor(), alice.id));
    expect(error).toMatchObject({ type: 'RateLimited', retryable: true });
    expect(error.options.retryAfterMs).toBeUndefined();
    expect(okta.requestsOf('suspendUser')).toHaveLength(1);
  });
});

describe('server errors and timeouts', () => {
  it('a burst of 5xx is not retried by the SDK: it surfaces as a retryable Unavailable, and the retry after it succeeds', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'status', status: 503 }, 2);
    const handlers = handlersFor();
    const failed = await activityFailure(oktaSuspendUser, handlers['okta.suspend_user'], { userId: alice.id });
    expect(failed).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(failed.message).toMatch(/Okta suspendUser failed: 503 for user .* E0000009 Internal Server Error/);
    const second = await failure(suspend(handlers, alice.id, 2));
    expect(second.retryable).toBe(true);
    expect(await suspend(handlers, alice.id, 3)).toMatchObject({ status: 'SUSPENDED', changed: true });
    expect(okta.requestsOf('suspendUser').map((request) => request.status)).toEqual([503, 503, 200]);
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
  });

  it('a non-JSON 502 from a proxy in front of Okta is a retryable Unavailable too', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'status', status: 502, html: true });
    const error = await failure(suspend(handlersFor(), alice.id));
    expect(error).toMatchObject({ type: 'Unavailable', retryable: true });
    expect(error.message).toContain('502 for user');
  });

  it('a dropped connection is a retryable Unavailable', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'disconnect' });
    const error = await failure(suspend(handlersFor(), alice.id));
    expect(error).toMatchObject({ type: 'Unavailable', retryable: true });
    expect(error.message).toMatch(/^Okta suspendUser failed for user .*: /);
  });

  it('a call that times out is retryable, and the retry finds its late effect instead of applying it twice', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('suspendUser', { kind: 'delay', ms: 800 });
    const handlers = handlersFor({ requestTimeoutMs: 300 });
    const error = await failure(suspend(handlers, alice.id));
    expect(error).toMatchObject({ type: 'Unavailable', retryable: true });
    expect(error.message).toMatch(/timeout/i);
    // The slow call still lands at Okta, after the client gave up on it.
    await expect.poll(() => okta.changesOf('suspendUser').length, { timeout: 3_000 }).toBe(1);
    expect(await suspend(handlers, alice.id, 2)).toMatchObject({ status: 'SUSPENDED', changed: false });
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
  });

  it('a write whose answer is lost but which reached Okta is read back and recorded as the change it was', async () => {
    const alice = okta.addUser({ login: 'alice@example.com' });
    const handlers = handlersFor({ requestTimeoutMs: 1_000 });
    // The suspension lands after 1.5 s, when the client has given up on its answer.
    okta.faults.inject('suspendUser', { kind: 'delay', ms: 1_500 });
    // The read-back after the timeout (no read comes before the write) reaches Okta once the suspension has landed.
    okta.faults.inject('getUser', { kind: 'delay', ms: 800 });
    const result = await suspend(handlers, alice.id);
    expect(result).toMatchObject({ status: 'SUSPENDED', changed: true });
    expect(result).toMatchObject({
      verification: {
        detail: expect.stringMatching(
          /^the answer to the write was lost \(.*timeout.*\), but read back: status is SUSPENDED$/,
        ),
      },
    });
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
  });

  it('a write Okta accepts whose effect does not show fails as a retryable EffectNotVerified', async () => {
    // Deactivation is read back after Okta's 200 (Okta may finish it asynchronously).
    const alice = okta.addUser({ login: 'alice@example.com' });
    okta.faults.inject('deactivateUser', { kind: 'ignore' });
    const handlers = handlersFor();
    const deactivate = (attempt: number) =>
      handlers['okta.deactivate_user']?.({ userId: alice.id }, recordingContext({ attempt })) ??
      Promise.reject(new Error('no handler'));
    const error = await failure(deactivate(1));
    expect(error).toMatchObject({ type: 'EffectNotVerified', retryable: true });
    expect(error.message).toBe(
      `Okta deactivateUser for user ${alice.id} succeeded, but reading back shows status ACTIVE, not status DEPROVISIONED`,
    );
    expect(await deactivate(2)).toMatchObject({ status: 'DEPROVISIONED', changed: true });
  });

  it('a suspension or factor reset Okta accepts without applying fails as a retryable EffectNotVerified', async () => {
    const alice = okta.addUser({ login: 'alice@example.com', factors: ['sms'] });
    okta.faults.inject('suspendUser', { kind: 'ignore' });
    okta.faults.inject('resetFactors', { kind: 'ignore' });
    const handlers = handlersFor();
    const error = await failure(suspend(handlers, alice.id));
    expect(error).toMatchObject({ type: 'EffectNotVerified', retryable: true });
    expect(error.message).toBe(
      `Okta suspendUser for user ${alice.id} succeeded, but reading back shows status ACTIVE, not status SUSPENDED`,
    );
    const reset = () =>
      handlers['okta.reset_factors']?.({ userId: alice.id }, recordingContext({ attempt: 1 })) ??
      Promise.reject(new Error('no handler'));
    const resetError = await failure(reset());
    expect(resetError).toMatchObject({ type: 'EffectNotVerified', retryable: true });
    expect(resetError.message).toMatch(/^Okta resetFactors for user .* succeeded, but reading back shows 1 enrolled/);
    // Retried, each write is applied once.
    expect(await suspend(handlers, alice.id)).toMatchObject({ status: 'SUSPENDED', changed: true });
    expect(await reset()).toMatchObject({ changed: true, verification: { readBack: true } });
    expect(okta.changesOf('suspendUser')).toHaveLength(1);
    expect(okta.changesOf('resetFactors')).toHaveLength(1);
  });
});
