import okta from '@okta/okta-sdk-nodejs';
import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../activities/registry';
import { coreActions } from '../../activities/core/specs';
import { retryAfterMs, toActionError } from '../../activities/okta/errors';
import { oktaActions } from '../../activities/okta/specs';
import { evaluateTemplate } from '../../dsl/expressions';

/** A Headers-like object as node-fetch gives the SDK. */
function headers(values: Record<string, string>) {
  return { get: (name: string) => values[name.toLowerCase()] ?? null };
}

function apiError(status: number, body: Record<string, unknown>, head: Record<string, string> = {}) {
  return new okta.OktaApiError('https://acme.okta.example/api/v1/users/00u1', status, body, headers(head));
}

describe('the okta action specs', () => {
  it('register next to the core actions, each undo naming an action that exists', () => {
    const registry = new ActionRegistry([...coreActions, ...oktaActions]);
    expect(registry.names().filter((name) => name.startsWith('okta.'))).toHaveLength(15);
    const impacts = Object.fromEntries(oktaActions.map((spec) => [spec.name, spec.impact]));
    expect(impacts).toMatchObject({
      'okta.get_user': 'read',
      'okta.snapshot': 'read',
      'okta.search_logs': 'read',
      'okta.clear_sessions': 'reversible',
      'okta.revoke_grants': 'reversible',
      'okta.suspend_user': 'destructive',
      'okta.deactivate_user': 'destructive',
      'okta.reset_password': 'destructive',
      'okta.expire_password': 'destructive',
      'okta.reset_factors': 'destructive',
      'okta.add_to_group': 'reversible',
      'okta.block_ips': 'destructive',
    });
  });

  it.each([
    [
      'okta.suspend_user',
      { userId: 'alice@example.com' },
      {
        userId: '00u1',
        login: 'alice@example.com',
        previousStatus: 'ACTIVE',
        status: 'SUSPENDED',
        changed: false,
        verification: { readBack: true, detail: '' },
      },
      { userId: '00u1', onlyIf: false, ifStatus: 'SUSPENDED' },
    ],
    [
      'okta.add_to_group',
      { userId: 'bob', group: 'Quarantine' },
      {
        userId: '00u2',
        login: 'bob@example.com',
        groupId: '00g1',
        groupName: 'Quarantine',
        changed: true,
        verification: { readBack: true, detail: '' },
      },
      { userId: '00u2', group: '00g1', onlyIf: true, ifMember: true },
    ],
    [
      'okta.block_ips',
      { zone: 'BlockedIpZone', cidrs: ['203.0.113.7'] },
      {
        zoneId: 'nzo1',
        zoneName: 'BlockedIpZone',
        entries: 2,
        limit: 5000,
        changed: true,
        added: ['203.0.113.7/32'],
        alreadyPresent: [],
        verification: { readBack: true, detail: '' },
      },
      { zone: 'nzo1', cidrs: ['203.0.113.7/32'], ifPresent: true },
    ],
  ])("%s's undo gives its undo action a valid input", (name, input, output, expected) => {
    const spec = oktaActions.find((candidate) => candidate.name === name);
    const undo = oktaActions.find((candidate) => candidate.name === spec?.undo?.action);
    if (!spec?.undo || !undo) throw new Error(`${name} has no undo`);
    const scope = { input: spec.input.parse(input), output: spec.output.parse(output) };
    const undoInput = evaluateTemplate(spec.undo.with, scope);
    expect(undo.input.parse(undoInput)).toEqual(expected);
  });
});

describe('SDK errors as action failures', () => {
  const call = { operation: 'suspendUser', target: 'user 00u1 (alice@example.com)' } as const;

  it.each([
    [404, 'E0000007', 'NotFound', false],
    [403, 'E0000006', 'Forbidden', false],
    [403, 'E0000038', 'Conflict', false],
    [400, 'E0000001', 'Conflict', false],
    [401, 'E0000011', 'Forbidden', false],
    [429, 'E0000047', 'RateLimited', true],
    [500, 'E0000009', 'Unavailable', true],
    [503, undefined, 'Unavailable', true],
  ])('a %s %s becomes %s (retryable: %s)', (status, errorCode, type, retryable) => {
    const error = toActionError(apiError(status, { errorCode, errorSummary: 'summary', errorCauses: [] }), call);
    expect(error).toMatchObject({ type, retryable });
    expect(error.message).toMatch(
      new RegExp(`^Okta suspendUser failed: ${status} for user 00u1 \\(alice@example.com\\)`),
    );
  });

  it("names Okta's causes and the permission a 403 lacks", () => {
    const denied = toActionError(
      apiError(403, { errorCode: 'E0000006', errorSummary: 'You do not have permission' }),
      call,
    );
    expect(denied.message).toBe(
      'Okta suspendUser failed: 403 for user 00u1 (alice@example.com): the credentials lack the okta.users.manage permission: E0000006 You do not have permission',
    );
    const refused = toActionError(
      apiError(400, {
        errorCode: 'E0000001',
        errorSummary: 'Api validation failed: suspendUser',
        errorCauses: [{ errorSummary: 'Cannot suspend a user that is not active' }],
      }),
      call,
    );
    expect(refused.message).toContain(
      'E0000001 Api validation failed: suspendUser (Cannot suspend a user that is not active)',
    );
  });

  it("computes the wait of a 429 from Okta's Date to X-Rate-Limit-Reset, plus a second", () => {
    const date = 'Mon, 23 Nov 2026 07:00:00 GMT';
    const reset = String(Date.parse(date) / 1000 + 3);
    const error = toActionError(apiError(429, { errorCode: 'E0000047' }, { date, 'x-rate-limit-reset': reset }), call);
    expect(error.options.retryAfterMs).toBe(4_000);
    expect(retryAfterMs(() => undefined)).toBeUndefined();
  });

  it('turns a refused connection or a timeout into a retryable Unavailable naming the call', () => {
    const timeout = Object.assign(new Error('network timeout at: https://acme.okta.example/api/v1/users/00u1'), {
      name: 'FetchError',
    });
    expect(toActionError(timeout, call)).toMatchObject({
      type: 'Unavailable',
      retryable: true,
      message:
        'Okta suspendUser failed for user 00u1 (alice@example.com): network timeout at: https://acme.okta.example/api/v1/users/00u1',
    });
  });
});
