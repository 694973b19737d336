/**
 * Reads a request body with a size limit, keeping the raw bytes: a webhook signature is computed over exactly the bytes
 * sent, so the body is verified before it is parsed.
 */
import type { IncomingMessage } from 'node:http';

/** Thrown when a body is larger than the limit; the request is answered with 413. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Thrown when the client goes away before the body is complete. */
export class BodyAbortedError extends Error {
  override readonly name = 'BodyAbortedError';
}

/**
 * The whole body, or `BodyTooLargeError` as soon as it exceeds `limit` bytes (at once when Content-Length says so).
 * What is left of an oversized body is read and discarded, so the client gets its 413 rather than a reset connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        chunks.length = 0;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', (error) => reject(new BodyAbortedError(`request body: ${error.message}`, { cause: error })));
    req.once('aborted', () => reject(new BodyAbortedError('request body: the client went away')));
  });
}
