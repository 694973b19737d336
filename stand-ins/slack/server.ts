/**
 * The local Slack's HTTP side: `POST /api/<method>` with Slack's wire format (form or JSON bodies, a bearer token or a
 * `token` field, `{ok: false, error}` with HTTP 200, 429 with `Retry-After`), injected faults for the next calls of a
 * method, and `POST /response/<id>` standing in for the `response_url`s that slash commands and buttons carry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen as listenOn } from '../../http/listen';
import { setTimeout as sleep } from 'node:timers/promises';
import { METHODS, SlackMethodError, wireMessage, type Params } from './methods';
import { BOT, type SlackState } from './state';
import { hostPort } from '../../http/host-port';

/** What the next calls of a method get instead of an answer. */
export type SlackFault =
  /** `{ok: false, error}` with HTTP 200, as Slack reports most errors. */
  | { kind: 'error'; error: string }
  /** An HTTP status without a Slack answer (a 5xx from Slack's edge). */
  | { kind: 'status'; status: number }
  /** 429 with `Retry-After` (seconds). */
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  /** The connection is dropped without an answer, and nothing happens. */
  | { kind: 'disconnect' }
  /** The call takes effect (a message is posted), then the connection is dropped before the answer. */
  | { kind: 'lostAnswer' }
  /** The answer comes late (then normally). */
  | { kind: 'delay'; ms: number };

export interface CallRecord {
  method: string;
  /** The parameters, objects decoded from their JSON strings, without the token. */
  params: Record<string, unknown>;
  status: number;
  ok: boolean;
  error?: string;
  at: number;
}

export interface ResponseRecord {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

/** What a `response_url` belongs to: the channel it answers in and, for buttons, the message clicked. */
export interface ResponseContext {
  channel?: string;
  messageTs?: string;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

export class SlackServer {
  readonly calls: CallRecord[] = [];
  readonly responses: ResponseRecord[] = [];
  private readonly faults = new Map<string, Array<{ fault: SlackFault; remaining: number }>>();
  private readonly responseContexts = new Map<string, ResponseContext>();
  private responseIds = 0;
  /** While set, every Web API call gets a 503 from Slack's edge and changes nothing (an outage). */
  unavailable = false;
  server?: Server;

  constructor(
    readonly state: SlackState,
    readonly token: string,
  ) {}

  failNext(method: string, fault: SlackFault, count = 1): void {
    const list = this.faults.get(method) ?? [];
    list.push({ fault, remaining: count });
    this.faults.set(method, list);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  newResponseUrl(base: string, context: ResponseContext): string {
    this.responseIds += 1;
    const id = `R${String(this.responseIds).padStart(6, '0')}`;
    this.responseContexts.set(id, context);
    return `${base}/response/${id}`;
  }

  private takeFault(method: string): SlackFault | undefined {
    const list = this.faults.get(method);
    const next = list?.[0];
    if (!list || !next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) list.shift();
    return next.fault;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    if (url.pathname.startsWith('/api/')) return this.api(url, request, body, response);
    if (url.pathname.startsWith('/response/') && request.method === 'POST') {
      return this.respond(url.pathname.slice('/response/'.length), request, body, response);
    }
    send(response, 404, { ok: false, error: 'not_found' });
  }

  private async api(url: URL, request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
    const method = url.pathname.slice('/api/'.length);
    const at = Date.now();
    const record = (status: number, ok: boolean, error: string | undefined, params: Params) => {
      const { token: _token, ...rest } = params;
      this.calls.push({ method, params: decodeJsonFields(rest), status, ok, error, at });
    };
    let params: Params;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...parseBody(request, body) };
    } catch {
      record(200, false, 'invalid_json', {});
      return send(response, 200, { ok: false, error: 'invalid_json' });
    }
    if (this.unavailable) {
      record(503, false, 'http_503', params);
      return send(response, 503, { ok: false, error: 'service_unavailable' });
    }
    const handler = METHODS[method];
    if (!handler) {
      record(404, false, 'unknown_method', params);
      return send(response, 404, { ok: false, error: 'unknown_method', req_method: method });
    }

    const fault = this.takeFault(method);
    if (fault && fault.kind !== 'lostAnswer') {
      switch (fault.kind) {
        case 'delay':
          await sleep(fault.ms);
          break;
        case 'disconnect':
          record(0, false, 'disconnected', params);
          response.socket?.destroy();
          return;
        case 'ratelimited':
          record(429, false, 'ratelimited', params);
          return send(
            response,
            429,
            { ok: false, error: 'ratelimited' },
            { 'retry-after': String(fault.retryAfterSeconds) },
          );
        case 'status':
          record(fault.status, false, `http_${fault.status}`, params);
          return send(response, fault.status, { ok: false, error: 'service_unavailable' });
        case 'error':
          record(200, false, fault.error, params);
          return send(response, 200, { ok: false, error: fault.error });
      }
    }

    const authorization = request.headers.authorization;
    const presented = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : params.token;
    if (!presented) {
      record(200, false, 'not_authed', params);
      return send(response, 200, { ok: false, error: 'not_authed' });
    }
    if (presented !== this.token) {
      record(200, false, 'invalid_auth', params);
      return send(response, 200, { ok: false, error: 'invalid_auth' });
    }

    try {
      const result = handler(params, this.state);
      if (fault?.kind === 'lostAnswer') {
        record(0, true, 'answer lost', params);
        response.socket?.destroy();
        return;
      }
      record(200, true, undefined, params);
      send(
        response,
        200,
        { ok: true, ...result },
        { 'x-oauth-scopes': 'chat:write,commands,usergroups:read,users:read' },
      );
    } catch (error) {
      if (!(error instanceof SlackMethodError)) throw error;
      record(200, false, error.code, params);
      send(response, 200, { ok: false, error: error.code, ...error.extra });
    }
  }

  private respond(id: string, request: IncomingMessage, body: string, response: ServerResponse): void {
    const context = this.responseContexts.get(id);
    if (!context) return send(response, 404, { ok: false, error: 'expired_url' });
    let parsed: Record<string, unknown>;
    try {
      const value = request.headers['content-type']?.startsWith('application/json')
        ? (JSON.parse(body) as unknown)
        : Object.fromEntries(new URLSearchParams(body));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      parsed = value as Record<string, unknown>;
    } catch {
      return send(response, 400, { ok: false, error: 'invalid_payload' });
    }
    this.responses.push({ id, body: parsed, at: Date.now() });
    const original =
      context.channel && context.messageTs ? this.state.message(context.channel, context.messageTs) : undefined;
    if (original && (parsed.delete_original === true || parsed.delete_original === 'true')) {
      original.deleted = true;
    } else if (original && (parsed.replace_original === true || parsed.replace_original === 'true')) {
      if (typeof parsed.text === 'string') original.text = parsed.text;
      if (Array.isArray(parsed.blocks)) original.blocks = parsed.blocks as unknown[];
      original.edits += 1;
    } else if (parsed.response_type === 'in_channel' && context.channel) {
      this.state.messages.push({
        channel: context.channel,
        ts: this.state.nextTs(),
        user: BOT.userId,
        text: typeof parsed.text === 'string' ? parsed.text : '',
        blocks: Array.isArray(parsed.blocks) ? (parsed.blocks as unknown[]) : undefined,
        edits: 0,
      });
    }
    send(response, 200, { ok: true });
  }

  /** The stored message as the Web API would return it. */
  wire(channel: string, ts: string) {
    const message = this.state.message(channel, ts);
    return message ? wireMessage(message) : undefined;
  }
}

function parseBody(request: IncomingMessage, body: string): Params {
  if (!body) return {};
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const value = JSON.parse(body) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Params;
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function decodeJsonFields(params: Params): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (JSON_FIELDS.has(key) && typeof value === 'string') {
        try {
          return [key, JSON.parse(value) as unknown];
        } catch {
          return [key, value];
        }
      }
      return [key, value];
    }),
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

export async function listen(parts: SlackServer, port: number, host: string): Promise<string> {
  const server = createServer((request, response) => {
    parts.handle(request, response).catch((error: unknown) => {
      send(response, 500, { ok: false, error: 'internal_error', detail: String(error) });
    });
  });
  parts.server = server;
  const address = await listenOn(server, port, host);
  return `http://${hostPort(host, address.port)}`;
}
