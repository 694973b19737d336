/**
 * `cordon codec-server` over real HTTP on 127.0.0.1: Temporal's remote codec protocol over the worker's own codec,
 * for its token holders only, one namespace, one Web UI origin; bad input gets a 400 that says what and where. Read
 * by a real client too: the Temporal CLI's `workflow show --codec-endpoint` on a run the worker encrypted.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec, type CodecKeys } from '../../codec/aes-gcm-codec';
import { CODEC_SERVER_MAX_BODY_BYTES, startCodecServer, type CodecServer } from '../../codec/codec-server';
import { dataConverterFor } from '../../codec/data-converter';
import { payloadsFromJson, payloadsToJson } from '../../codec/payload-json';
import { loadConfig } from '../../config/config';
import { startHarness, type Harness } from '../support/harness';

const run = promisify(execFile);
const LOGIN = 'erin.hidden@example.com';
const TOKEN = randomBytes(32).toString('base64');
const UI_ORIGIN = 'http://127.0.0.1:8233';
const keys: CodecKeys = { keys: new Map([['2026-11', randomBytes(32)]]), activeKeyId: '2026-11' };
const workerCodec = dataConverterFor(keys)?.payloadCodecs?.[0];

let harness: Harness;
let server: CodecServer;
const accessLog: string[] = [];
beforeAll(async () => {
  harness = await startHarness({ dataConverter: dataConverterFor(keys) });
  // A codec of its own built from the same keys, as `cordon codec-server` builds it from CORDON_CODEC_KEYS.
  server = await startCodecServer({
    codec: new AesGcmCodec(keys),
    token: TOKEN,
    namespace: harness.namespace,
    allowedOrigin: UI_ORIGIN,
    port: 0,
    log: (line) => accessLog.push(line),
  });
});
afterAll(async () => {
  await server?.close();
  await harness?.shutdown();
});

interface CallOptions {
  token?: string | null;
  namespace?: string;
  origin?: string;
  body?: string;
  method?: string;
}

async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.namespace) headers['x-namespace'] = options.namespace;
  if (options.origin) headers.origin = options.origin;
  return fetch(`${server.url}${path}`, { method: options.method ?? 'POST', headers, body: options.body });
}

const bodyOf = (payloads: readonly Payload[]) => JSON.stringify(payloadsToJson(payloads));
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

/** Every payload of a history in proto3 JSON (the Temporal CLI's and the Web UI's form). */
function payloadsIn(historyJson: string): unknown[] {
  const payloads: unknown[] = [];
  JSON.parse(historyJson, (key, value: unknown) => {
    if (key === 'payloads' && Array.isArray(value)) payloads.push(...value);
    return value;
  });
  return payloads;
}

async function encrypted(value: unknown): Promise<Payload> {
  if (!workerCodec) throw new Error('the worker has no codec');
  const [payload] = await workerCodec.encode([defaultPayloadConverter.toPayload(value)]);
  if (!payload) throw new Error('the codec returned no payload');
  return payload;
}

describe('the codec server', () => {
  it('decodes what the worker’s codec encrypted, and round-trips its own encoding', async () => {
    const payload = await encrypted({ login: LOGIN });
    expect(text(payload.data)).not.toContain(LOGIN);
    const decoded = await call('/decode', { body: bodyOf([payload]), namespace: harness.namespace, origin: UI_ORIGIN });
    expect(decoded.status).toBe(200);
    expect(accessLog).toContain('127.0.0.1 POST /decode 200 (1 payload)');
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const [clear] = payloadsFromJson(await decoded.json());
    expect(text(clear?.metadata?.encoding)).toBe('json/plain');
    expect(JSON.parse(text(clear?.data))).toEqual({ login: LOGIN });

    const plain = defaultPayloadConverter.toPayload('dave@example.com');
    const encoded = await call('/encode', { body: bodyOf([plain]) });
    const [sealed] = payloadsFromJson(await encoded.json());
    expect(text(sealed?.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(sealed?.data)).not.toContain('dave');
    // Mounted at any depth: the protocol reads only the last segment (the CLI's `/{namespace}/decode` templating).
    const back = await call(`/${harness.namespace}/decode`, { body: bodyOf(sealed ? [sealed] : []) });
    expect(back.status).toBe(200);
    expect(payloadsFromJson(await back.json()).map((item) => text(item.data))).toEqual(['"dave@example.com"']);
  });

  it('refuses a missing or wrong token with 401, and another namespace with 403', async () => {
    const body = bodyOf([await encrypted('x')]);
    const missing = await call('/decode', { body, token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toEqual({ error: 'missing or wrong bearer token (Authorization: Bearer <token>)' });
    expect((await call('/decode', { body, token: `${TOKEN}x` })).status).toBe(401);
    // Refusals are logged too, and no line holds the token.
    expect(accessLog).toContain('127.0.0.1 POST /decode 401');
    expect(accessLog.join('\n')).not.toContain(TOKEN);
    expect((await call('/decode', { body, token: TOKEN.slice(0, -1) })).status).toBe(401);
    const other = await call('/decode', { body, namespace: 'prod' });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({
      error: `X-Namespace "prod": this codec server serves namespace "${harness.namespace}" only`,
    });
  });

  it('answers CORS for the Web UI origin only', async () => {
    const preflight = await call('/decode', { method: 'OPTIONS', token: null, origin: UI_ORIGIN });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Namespace, Authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');

    const foreign = await call('/decode', { method: 'OPTIONS', token: null, origin: 'https://evil.example' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-headers')).toBeNull();
    const foreignPost = await call('/decode', { body: bodyOf([await encrypted('x')]), origin: 'https://evil.example' });
    expect(foreignPost.status).toBe(403);
    expect(foreignPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers bad input with a 400 that says what and where, never a stack trace', async () => {
    const good = await encrypted({ login: LOGIN });
    const data = new Uint8Array(good.data ?? new Uint8Array());
    data[20] = (data[20] ?? 0) ^ 1;
    const cases: Array<[string, string]> = [
      [
        bodyOf([good, { ...good, data }]),
        'payloads[1]: a payload does not decrypt with key "2026-11": altered, or another key',
      ],
      [
        bodyOf([{ ...good, metadata: { ...good.metadata, 'encryption-key-id': Buffer.from('2025-01') } }]),
        'payloads[0]: cannot decrypt a payload encrypted with key "2025-01": it is not in CORDON_CODEC_KEYS (known: 2026-11)',
      ],
      ['{"payloads": [', 'the body is not JSON'],
      ['{}', 'payloads: Invalid input: expected array, received undefined'],
      ['{"payloads":[{"metadata":{"encoding":"%%%"},"data":""}]}', 'payloads[0].metadata.encoding: is not base64'],
    ];
    for (const [body, message] of cases) {
      const response = await call('/decode', { body });
      expect(response.status, body).toBe(400);
      const answer: unknown = await response.json();
      expect(answer).toEqual({ error: expect.stringContaining(message) });
      expect(JSON.stringify(answer)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    const wrongType = await fetch(`${server.url}/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
  });

  it('refuses a body over its limit with 413, unread', async () => {
    const response = await call('/decode', { body: 'x'.repeat(CODEC_SERVER_MAX_BODY_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: `the body is larger than ${CODEC_SERVER_MAX_BODY_BYTES} bytes` });
  });

  it('runs as `cordon codec-server` from the environment’s keys and token, and stops on SIGTERM', async () => {
    const key = keys.keys.get('2026-11') ?? new Uint8Array();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve('cli/main.ts'), 'codec-server', '--port', '0'],
      {
        env: {
          ...process.env,
          CORDON_CODEC_KEYS: `2026-11:${Buffer.from(key).toString('base64')}`,
          CORDON_CODEC_SERVER_TOKEN: TOKEN,
          TEMPORAL_NAMESPACE: harness.namespace,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /cordon codec-server on (http:\/\/[\d.:]+)/.exec(output)?.[1];
        if (found && output.includes('Ctrl-C stops')) resolve(found);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.once('exit', (code) => reject(new Error(`cordon codec-server exited with ${code}:\n${output}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'x-namespace': harness.namespace,
      },
      body: bodyOf([await encrypted(LOGIN)]),
    });
    expect(payloadsFromJson(await response.json()).map((payload) => text(payload.data))).toEqual([`"${LOGIN}"`]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('shows, through the real Temporal CLI and in a history’s payloads, the login the raw history hides', async () => {
    const plan = harness.plan(`
id: codec-server-run
title: Read through the codec server
inputs:
  login: { type: email }
subject: "\${{ inputs.login }}"
steps:
  - id: suspend
    action: test.mark
    with: { target: "\${{ inputs.login }}" }
`);
    const { handle, workflowId } = await harness.start(plan, { login: LOGIN });
    await handle.result();
    const raw = await harness.client.workflowService.getWorkflowExecutionHistory({
      namespace: harness.namespace,
      execution: { workflowId },
    });
    const rawJson = historyToJSON(raw.history ?? {});
    expect(rawJson).not.toContain(LOGIN);

    // Every payload of the history, as the Web UI sends them: in proto3 JSON, all at once.
    const payloads = payloadsIn(rawJson);
    expect(payloads.length).toBeGreaterThan(3);
    const decoded = await call('/decode', { body: JSON.stringify({ payloads }), namespace: harness.namespace });
    expect(decoded.status).toBe(200);
    expect(payloadsFromJson(await decoded.json()).some((payload) => text(payload.data).includes(LOGIN))).toBe(true);

    const cli = loadConfig(process.env).temporal.cliPath;
    if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: the test reads the run with the real Temporal CLI');
    const show = (extra: string[]) =>
      run(cli, [
        'workflow',
        'show',
        '--workflow-id',
        workflowId,
        '--address',
        harness.address,
        '--namespace',
        harness.namespace,
        '--output',
        'json',
        ...extra,
      ]);
    // The CLI prints payloads in proto3 JSON: their data is base64, so the login shows once they are read.
    const clearText = (json: string) => payloadsFromJson({ payloads: payloadsIn(json) }).map((p) => text(p.data));
    expect(clearText((await show([])).stdout).join('\n')).not.toContain(LOGIN);
    const through = await show(['--codec-endpoint', server.url, '--codec-auth', `Bearer ${TOKEN}`]);
    expect(clearText(through.stdout).join('\n')).toContain(LOGIN);
    // With a wrong token the CLI gets 401s and retries them until its deadline: it shows nothing.
    const refused = show(['--codec-endpoint', server.url, '--codec-auth', 'Bearer wrong', '--command-timeout', '2s']);
    await expect(refused).rejects.toThrow(/deadline exceeded/);
    await expect(refused).rejects.not.toThrow(LOGIN);
  });
});
