/**
 * Partial matching of expected values against what a run did: an expected object names only the fields it cares
 * about, a list must have the same length and match item by item, anything else must be equal. Every difference is
 * returned with its path, so a failed test says exactly where it differs.
 */
import { isDeepStrictEqual } from 'node:util';

export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Where `actual` differs from `expected`, field by field; empty when it matches. */
export function partialMismatches(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return [{ path, expected, actual }];
    return Object.entries(expected).flatMap(([key, value]) =>
      Object.hasOwn(actual, key)
        ? partialMismatches(value, actual[key], join(path, key))
        : [{ path: join(path, key), expected: value, actual: undefined }],
    );
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [{ path, expected, actual }];
    return expected.flatMap((value, index) => partialMismatches(value, actual[index], join(path, index)));
  }
  return isDeepStrictEqual(expected, actual) ? [] : [{ path, expected, actual }];
}

/** True when `actual` holds everything `expected` names. */
export function partiallyMatches(expected: unknown, actual: unknown): boolean {
  return partialMismatches(expected, actual).length === 0;
}
