/** Reading a value that may be damaged or of another kind, where such a value is skipped, not reported. */
import type { z } from 'zod';

/**
 * Decodes a value (`JSON.parse` of a line, a payload converter) and checks it against `schema`: the checked value, or
 * undefined when the decoding throws or the value does not match. For readers that skip what they cannot use, such as
 * a journal line cut short by a crash or a heartbeat of another shape.
 */
export function decodeAs<T>(schema: z.ZodType<T>, decode: () => unknown): T | undefined {
  let value: unknown;
  try {
    value = decode();
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
