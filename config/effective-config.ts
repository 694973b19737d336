/**
 * The configuration as `cordon config check` prints it: every section after parsing and defaults, as plain JSON, with
 * secrets masked (values of keys that look secret, credentials inside strings, and raw key bytes such as the payload
 * codec's keys), so it can be pasted into a ticket.
 */
import { REDACTED, redactValue } from '../audit/redact';
import type { Config } from './config';

function plain(value: unknown, seen: Set<object>): unknown {
  if (value instanceof Uint8Array) return `${REDACTED} (${value.length} bytes)`;
  if (value instanceof RegExp) return value.source;
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (value instanceof Map) {
    return Object.fromEntries([...value.entries()].map(([key, item]) => [String(key), plain(item, seen)]));
  }
  if (value instanceof Set) return [...value].map((item) => plain(item, seen));
  if (Array.isArray(value)) return value.map((item) => plain(item, seen));
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, item]) => [key, plain(item, seen)] as const)
      .filter(([, item]) => item !== undefined),
  );
}

export function effectiveConfig(config: Config): unknown {
  return redactValue(plain(config, new Set()));
}
