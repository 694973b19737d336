/**
 * Reads shared within one effect description. `cordon.describe_effects` describes a gated step and the steps its
 * decision covers at the same moment (the campaign's suspension and MFA reset read the same accounts), and `cordon
 * plan` describes a whole playbook while nothing is written; so a fact is read once per description, not once per
 * step that shows it. Outside a description (a handler about to write, a read-back) every read goes to the service.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const descriptions = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

/** Runs one description: reads made through `sharedRead` inside it are made once each, and forgotten after it. */
export function withSharedReads<T>(describe: () => Promise<T>): Promise<T> {
  return descriptions.run(new Map(), describe);
}

/**
 * The read under `key` (which names the service, the operation and what it reads), shared with the same read made
 * earlier in this description, failure included; outside a description, simply the read.
 */
export function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const shared = descriptions.getStore();
  if (!shared) return read();
  const earlier = shared.get(key);
  if (earlier) return earlier as Promise<T>;
  const reading = read();
  shared.set(key, reading);
  return reading;
}
