/** Refusing a request: the status, a one-line reason for the sender, and one structured log line saying why. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyAbortedError, BodyTooLargeError, readBody } from './read-body';
import { remoteOf, sendJson } from './http';
import type { HookLog } from './log';

/** A request refused with an HTTP status; thrown inside a route handler and answered by `answerRefusal`. */
export class HookRefusal extends Error {
  override readonly name = 'HookRefusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestContext {
  route: string;
  source?: string;
}

/** Answers a refusal and logs it with the route, source and peer; never with the body or its credentials. */
export function answerRefusal(
  req: IncomingMessage,
  res: ServerResponse,
  log: HookLog,
  context: RequestContext,
  refusal: HookRefusal,
): void {
  log({
    level: 'warn',
    msg: 'request refused',
    route: context.route,
    ...(context.source !== undefined ? { source: context.source } : {}),
    method: req.method,
    status: refusal.status,
    reason: refusal.message,
    remote: remoteOf(req),
  });
  // An oversized body is still arriving: close the connection once answered instead of reading it all.
  const headers: Record<string, string> = refusal.status === 413 ? { connection: 'close' } : {};
  sendJson(res, refusal.status, { error: refusal.message }, headers);
}

/** Reads the body within the limit, as a refusal (413) when it is too large. */
export async function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HookRefusal(413, error.message);
    if (error instanceof BodyAbortedError) throw new HookRefusal(400, error.message);
    throw error;
  }
}

/** Parses a body as JSON, as a refusal (400) when it is not; the message names the position, not the content. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    const where = error instanceof SyntaxError ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new HookRefusal(400, `body is not valid JSON${where ? ` (at ${where})` : ''}`);
  }
}
