/**
 * A codec server for the Temporal Web UI and CLI: Temporal's remote codec protocol (`POST …/encode`, `POST …/decode`,
 * each a JSON body of Payloads answered in the same shape) over the very codec the worker uses, so a responder can
 * read an encrypted run in the Web UI without the cluster ever seeing a key.
 *
 * Whoever can call it can decrypt every history of the namespace, so it serves only callers holding its bearer token
 * (compared in constant time), answers CORS for one Web UI origin, serves one namespace, listens on loopback unless
 * told otherwise, caps bodies, and answers bad input with a 400 that says what and where, never with a stack trace.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { errorMessage } from '../activities/error-message';
import { closeNow } from '../http/close-now';
import { listen } from '../http/listen';
import { PayloadDecryptionError } from './aes-gcm-codec';
import { PayloadJsonError, payloadsFromJson, payloadsToJson } from './payload-json';
import { hostPort } from '../http/host-port';

/**
 * Largest request body read. The Web UI sends the payloads of one event or one field at a time, each under Temporal's
 * 2 MB payload limit (encrypted, a little more, and base64 adds a third).
 */
export const CODEC_SERVER_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The headers the Web UI sends (and so asks for in its preflight). */
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

export interface CodecServerOptions {
  /** The codec the worker encodes with (same keys, same key ids). */
  codec: PayloadCodec;
  /** The bearer token every request must carry. */
  token: string;
  /** The only namespace served: a request whose `X-Namespace` names another is refused. */
  namespace: string;
  /** The Web UI origin browsers may call from; no other gets CORS headers. */
  allowedOrigin: string;
  /** 0 picks a free port. */
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default CODEC_SERVER_MAX_BODY_BYTES */
  maxBodyBytes?: number;
  /** Where an unexpected failure is reported (the caller gets only `internal error`). @default console.warn */
  warn?: (line: string) => void;
  /**
   * One line per request answered: caller's address, operation, status, payload count; never a payload or the token.
   * Who decrypted how much, and who was refused, for the team's logs. @default no log
   */
  log?: (line: string) => void;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An answer other than success: its status and the one line the caller gets. */
class CodecRequestError extends Error {
  override readonly name = 'CodecRequestError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    throw new CodecRequestError(413, `the body is larger than ${limit} bytes`, { connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit)
      throw new CodecRequestError(413, `the body is larger than ${limit} bytes`, { connection: 'close' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new CodecRequestError(400, `the body is not JSON: ${errorMessage(error)}`);
  }
}

/** Decodes one payload at a time, so a failure names the payload it is about. */
async function decodeEach(codec: PayloadCodec, payloads: readonly Payload[]): Promise<Payload[]> {
  const decoded: Payload[] = [];
  for (const [index, payload] of payloads.entries()) {
    try {
      decoded.push(...(await codec.decode([payload])));
    } catch (error) {
      if (error instanceof PayloadDecryptionError)
        throw new CodecRequestError(400, `payloads[${index}]: ${error.message}`);
      throw error;
    }
  }
  return decoded;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const limit = options.maxBodyBytes ?? CODEC_SERVER_MAX_BODY_BYTES;
  const warn = options.warn ?? ((line: string) => console.warn(line));

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    counted: (payloads: number) => void,
  ): Promise<void> => {
    const origin = req.headers.origin;
    // A browser on any other page gets no CORS header, so it can neither send the token nor read an answer.
    if (origin !== undefined) {
      if (origin !== options.allowedOrigin) throw new CodecRequestError(403, `origin ${origin} is not allowed`);
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    // The protocol reads only the last path segment, so the server may be mounted at any depth.
    const operation = new URL(req.url ?? '/', 'http://codec').pathname.split('/').filter(Boolean).pop();
    if (operation !== 'encode' && operation !== 'decode') {
      throw new CodecRequestError(404, 'not found: POST …/encode or …/decode');
    }
    if (method !== 'POST') throw new CodecRequestError(405, 'method not allowed', { allow: 'POST, OPTIONS' });
    if (!bearerMatches(req.headers.authorization, options.token)) {
      throw new CodecRequestError(401, 'missing or wrong bearer token (Authorization: Bearer <token>)', {
        'www-authenticate': 'Bearer realm="cordon codec server"',
      });
    }
    const namespace = req.headers['x-namespace'];
    if (namespace !== undefined && namespace !== options.namespace) {
      throw new CodecRequestError(
        403,
        `X-Namespace "${String(namespace)}": this codec server serves namespace "${options.namespace}" only`,
      );
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      throw new CodecRequestError(415, `Content-Type must be application/json, not "${contentType}"`);
    }
    let payloads: Payload[];
    try {
      payloads = payloadsFromJson(parseJson(await readBody(req, limit)));
    } catch (error) {
      if (error instanceof PayloadJsonError) throw new CodecRequestError(400, error.message);
      throw error;
    }
    counted(payloads.length);
    const result =
      operation === 'encode' ? await options.codec.encode(payloads) : await decodeEach(options.codec, payloads);
    send(res, 200, payloadsToJson(result));
  };

  const server = createServer((req, res) => {
    let payloads: number | undefined;
    if (options.log) {
      const log = options.log;
      res.once('finish', () => {
        const path = new URL(req.url ?? '/', 'http://codec').pathname;
        const count = payloads === undefined ? '' : ` (${payloads} payload${payloads === 1 ? '' : 's'})`;
        log(`${req.socket.remoteAddress ?? '?'} ${req.method ?? '?'} ${path} ${res.statusCode}${count}`);
      });
    }
    handle(req, res, (count) => (payloads = count)).catch((error: unknown) => {
      if (error instanceof CodecRequestError) return send(res, error.status, { error: error.message }, error.headers);
      warn(`cordon codec-server: ${req.method} ${req.url?.split('?')[0]} failed: ${errorMessage(error)}`);
      send(res, 500, { error: 'internal error' });
    });
  });
  const host = options.host ?? '127.0.0.1';
  const { port } = await listen(server, options.port, host);
  return {
    url: `http://${hostPort(host, port)}`,
    port,
    close: () => closeNow(server),
  };
}
