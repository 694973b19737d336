import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bindAction, createActivities, MissingHandlerError } from '../../activities';
import { defineAction } from '../../activities/action';
import { ActionError, FAILURE_TYPES } from '../../activities/errors';
import { ActionRegistry, builtinRegistry, DuplicateActionError } from '../../activities/registry';
import { createRunServices } from '../../activities/run-services';
import { createStaticDirectory } from '../../activities/notify/static-directory';
import { createLogNotifier } from '../../activities/notify/log-notifier';

const spec = defineAction({
  name: 'unit.echo',
  description: 'Echoes.',
  impact: 'read',
  input: z.object({ value: z.string(), times: z.number().default(1) }),
  output: z.object({ echoed: z.string() }),
});

async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('did not fail');
}

describe('the activity boundary', () => {
  const environment = new MockActivityEnvironment();

  it('validates input with the spec, applies defaults, and returns checked output', async () => {
    const activity = bindAction(spec, async ({ value, times }) => ({ echoed: String(value).repeat(Number(times)) }));
    expect(await environment.run(activity, { value: 'ab' })).toEqual({ echoed: 'ab' });
  });

  it('refuses bad input without retry, naming the field', async () => {
    const activity = bindAction(spec, async () => ({ echoed: '' }));
    const failure = await failureOf(() => environment.run(activity, { value: 3 }));
    expect(failure.type).toBe(FAILURE_TYPES.invalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/^unit\.echo: invalid input: value:/);
  });

  it('turns an ActionError into a typed failure with its retryability and delay', async () => {
    const notFound = bindAction(spec, async () => {
      throw new ActionError(FAILURE_TYPES.notFound, 'no user jane');
    });
    const limited = bindAction(spec, async () => {
      throw new ActionError(FAILURE_TYPES.rateLimited, 'slow down', { retryAfterMs: 1500 });
    });
    const first = await failureOf(() => environment.run(notFound, { value: 'x' }));
    expect([first.type, first.nonRetryable, first.message]).toEqual(['NotFound', true, 'unit.echo: no user jane']);
    const second = await failureOf(() => environment.run(limited, { value: 'x' }));
    expect([second.type, second.nonRetryable]).toEqual(['RateLimited', false]);
    expect(second.nextRetryDelay).toBe(1500);
  });

  it('treats output that breaks the schema as a bug, not a retry', async () => {
    const activity = bindAction(spec, async () => ({ wrong: true }));
    const failure = await failureOf(() => environment.run(activity, { value: 'x' }));
    expect([failure.type, failure.nonRetryable]).toEqual(['InvalidOutput', true]);
  });

  it('refuses to build a worker with an action that has no handler', () => {
    const registry = new ActionRegistry([spec]);
    const services = createRunServices(
      createStaticDirectory({}),
      createLogNotifier(() => {}),
    );
    expect(() => createActivities(registry, {}, services)).toThrow(MissingHandlerError);
  });
});

describe('the registry', () => {
  it('refuses two actions of one name and undo actions that do not exist', () => {
    expect(() => new ActionRegistry([spec, spec])).toThrow(DuplicateActionError);
    expect(() => new ActionRegistry([{ ...spec, undo: { action: 'unit.nope', with: {} } }])).toThrow(/unit\.nope/);
  });

  it('holds the core actions', () => {
    expect(builtinRegistry.names()).toEqual(expect.arrayContaining(['core.fail', 'core.log', 'core.wait']));
  });
});

describe('approver groups without Slack', () => {
  it('resolve from the configuration and fail clearly for an unknown group', async () => {
    const directory = createStaticDirectory({ oncall: ['alice'] });
    const services = createRunServices(
      directory,
      createLogNotifier(() => {}),
    );
    expect(await services['cordon.resolve_approvers']({ users: ['bob', 'alice'], groups: ['oncall'] })).toEqual([
      'alice',
      'bob',
    ]);
    await expect(directory.membersOf('leads')).rejects.toThrow(/approver group "leads" is not configured/);
  });
});
