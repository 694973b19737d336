/**
 * Payloads in the JSON form of Temporal's remote codec protocol, `{"payloads":[{"metadata":{"encoding":"<base64>"},
 * "data":"<base64>"}]}`: the proto3 JSON mapping of `temporal.api.common.v1.Payloads`, where every bytes field (the
 * data and each metadata value) is base64. Parsing says what is wrong and where (`payloads[2].metadata.encoding`).
 */
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/** Thrown when a body is not Payloads in proto3 JSON; the message names the field. */
export class PayloadJsonError extends Error {
  override readonly name = 'PayloadJsonError';
}

// Proto3 JSON accepts standard and URL-safe base64, padded or not (a lone trailing character is never valid).
const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'is not base64')
  .refine((text) => text.replace(/=+$/, '').length % 4 !== 1, 'is not base64');

const payloadSchema = z.object({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
});
const payloadsSchema = z.object({ payloads: z.array(payloadSchema) });

function where(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`))
    .join('');
}

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const text = (data: Uint8Array): string => Buffer.from(data).toString('base64');

/** The payloads of a parsed JSON body; throws a PayloadJsonError naming the first bad field. */
export function payloadsFromJson(body: unknown): Payload[] {
  const parsed = payloadsSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = issue ? where(issue.path) || 'the body' : 'the body';
    throw new PayloadJsonError(
      `${field}: ${issue?.message ?? 'invalid'} (expected {"payloads":[{"metadata":{…},"data":"<base64>"}]})`,
    );
  }
  return parsed.data.payloads.map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, bytes(value)])),
    data: bytes(payload.data ?? ''),
  }));
}

/** The JSON body for payloads: the same shape the protocol's requests have. */
export function payloadsToJson(payloads: readonly Payload[]): {
  payloads: Array<{ metadata: Record<string, string>; data: string }>;
} {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, text(value ?? new Uint8Array())]),
      ),
      data: text(payload.data ?? new Uint8Array()),
    })),
  };
}
