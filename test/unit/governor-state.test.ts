import { describe, expect, it } from 'vitest';
import {
  acquire,
  acquireProblem,
  emptyGovernorState,
  FOREACH_ITEMS_LIMIT,
  setLimit,
  setLimitProblem,
  type AcquireRequest,
} from '../../workflows/governor-state';

const HOUR = 3_600_000;
const suspend = { kind: 'rate', limit: 'okta.suspend_user', configured: { max: 2, windowMs: HOUR } } as const;

function ask(key: string, extra: Partial<AcquireRequest> = {}): AcquireRequest {
  return { key, workflowId: `run-${key}`, checks: [suspend], ...extra };
}

describe('the governor state', () => {
  it('grants up to the limit per window, then says which limit holds and when the window frees', () => {
    const state = emptyGovernorState();
    expect(acquire(state, ask('a'), 1_000)).toEqual({ granted: true });
    expect(acquire(state, ask('b'), 2_000)).toEqual({ granted: true });
    expect(acquire(state, ask('c'), 3_000)).toEqual({
      granted: false,
      limit: 'okta.suspend_user',
      description: 'okta.suspend_user: at most 2 per 1h (2 used)',
      retryAfterMs: 1_000 + HOUR - 3_000,
    });
    // Once the oldest grant leaves the window, there is room again.
    expect(acquire(state, ask('c'), 1_001 + HOUR)).toEqual({ granted: true });
    expect(state.grants['okta.suspend_user']?.map((grant) => grant.key)).toEqual(['b', 'c']);
  });

  it('counts a key once, so a retried activity is not counted twice', () => {
    const state = emptyGovernorState();
    acquire(state, ask('a'), 0);
    acquire(state, ask('b'), 0);
    expect(acquire(state, ask('a'), 10)).toEqual({ granted: true });
    expect(state.grants['okta.suspend_user']).toHaveLength(2);
  });

  it('lets a change pass a full limit that an approval named, recording who approved', () => {
    const state = emptyGovernorState();
    acquire(state, ask('a'), 0);
    acquire(state, ask('b'), 0);
    expect(acquire(state, ask('c', { approved: [{ limit: 'other', by: 'dana' }] }), 0)).toMatchObject({
      granted: false,
    });
    expect(acquire(state, ask('c', { approved: [{ limit: 'okta.suspend_user', by: 'dana' }] }), 0)).toEqual({
      granted: true,
    });
    expect(state.grants['okta.suspend_user']?.at(-1)).toMatchObject({ key: 'c', approvedBy: 'dana' });
  });

  it('applies an adjusted limit instead of the configured one; a lowered limit frees later', () => {
    const state = emptyGovernorState();
    for (const key of ['a', 'b']) acquire(state, ask(key), 0);
    setLimit(state, { limit: 'okta.suspend_user', max: 3, by: 'carol', reason: 'campaign' }, 0);
    expect(acquire(state, ask('c'), 10)).toEqual({ granted: true });
    setLimit(state, { limit: 'okta.suspend_user', max: 1, by: 'carol', reason: 'calm down' }, 20);
    // Three in the window and one allowed: there is room once all but the newest have left it.
    expect(acquire(state, ask('d'), 20)).toMatchObject({ granted: false, retryAfterMs: 10 + HOUR - 20 });
  });

  it('caps the items of a destructive forEach per run, raised by an adjustment', () => {
    const state = emptyGovernorState();
    const item = (index: number): AcquireRequest => ({
      key: `run/suspend[${index}]`,
      workflowId: 'run',
      checks: [{ kind: 'items', limit: FOREACH_ITEMS_LIMIT, index, configured: 100 }],
    });
    expect(acquire(state, item(99), 0)).toEqual({ granted: true });
    expect(acquire(state, item(100), 0)).toEqual({
      granted: false,
      limit: FOREACH_ITEMS_LIMIT,
      description: 'foreach-items: at most 100 items of a destructive forEach per run (this is item 101)',
    });
    setLimit(state, { limit: FOREACH_ITEMS_LIMIT, max: 200, by: 'carol', reason: 'big campaign' }, 0);
    expect(acquire(state, item(100), 0)).toEqual({ granted: true });
    expect(state.grants).toEqual({});
  });

  it('refuses malformed requests, saying what is wrong', () => {
    expect(acquireProblem({ key: '', workflowId: 'w', checks: [suspend] })).toBe('key must be a non-empty string');
    expect(acquireProblem({ key: 'k', workflowId: 'w', checks: [] })).toBe('checks must list at least one limit');
    expect(
      acquireProblem({
        key: 'k',
        workflowId: 'w',
        checks: [{ kind: 'rate', limit: 'x.y', configured: { max: 1, windowMs: 0 } }],
      }),
    ).toBe('limit x.y needs a max of 0 or more and a window longer than 0');
    expect(setLimitProblem({ limit: 'x.y', max: -1, by: 'c', reason: 'r' })).toBe(
      'the new max of x.y must be 0 or more',
    );
    expect(setLimitProblem({ limit: 'x.y', max: 1, by: 'c', reason: ' ' })).toBe('a limit change needs a reason');
  });
});
