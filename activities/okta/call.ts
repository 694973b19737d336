/** Every SDK call goes through `oktaCall`, so each failure names the operation and the target. */
import { toActionError } from './errors';
import type { OktaOperation } from './operations';

/** Runs one SDK call; whatever it throws becomes an `ActionError` naming the operation and the target. */
export async function oktaCall<T>(operation: OktaOperation, target: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toActionError(error, { operation, target });
  }
}

/** Drains an SDK collection (it follows `Link: rel="next"` itself), stopping after `max` items. */
export async function collect<T>(collection: AsyncIterable<T | null>, max = 10_000): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) {
    // The SDK yields null once a page comes back empty; a polling feed would go on forever.
    if (item === null) break;
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}
