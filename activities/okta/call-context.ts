/**
 * The action an Okta request belongs to, for the request executor: the SDK's executor sees only the HTTP request, yet a
 * request that waits for a rate-limit reset must heartbeat its activity (so the wait is visible and survives) and stop
 * when the step is cancelled or times out. Each handler runs inside `withOktaCall`; the executor reads `currentOktaCall`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ActionContext } from '../action';

export type OktaCallContext = Pick<ActionContext, 'heartbeat' | 'signal'>;

const calls = new AsyncLocalStorage<OktaCallContext>();

export function withOktaCall<T>(context: OktaCallContext, run: () => Promise<T>): Promise<T> {
  return calls.run(context, run);
}

/** The action being served, or undefined for a call made outside any handler (a script, a test). */
export function currentOktaCall(): OktaCallContext | undefined {
  return calls.getStore();
}
