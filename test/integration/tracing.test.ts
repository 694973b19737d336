import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startOktaStandIn, type OktaStandIn } from '../../stand-ins/okta';
import { LISTED_IP, OKTA_SECRET, oktaDelivery, oktaEvent } from '../fixtures/detections/receiver';
import { startCordonProcess, type CordonProcess } from '../support/cordon-process';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';

let okta: OktaStandIn;
let receiver: OtlpReceiver;
let client: Client;
let dir: string;
const processes: CordonProcess[] = [];

beforeAll(async () => {
  okta = await startOktaStandIn();
  receiver = await startOtlpReceiver();
  client = new Client({
    connection: await Connection.connect({ address: inject('temporalAddress') }),
    namespace: inject('temporalNamespace'),
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-tracing-'));
});

afterAll(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await client?.connection.close();
  await okta?.close();
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The chain of parents from a span up to its trace's root, as far as the receiver has them. */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  let current: ReceivedSpan | undefined = span;
  while (current?.parentSpanId) {
    const parentId: string = current.parentSpanId;
    current = spans.find((candidate) => candidate.spanId === parentId && candidate.traceId === span.traceId);
    if (current) chain.push(current);
  }
  return chain;
}

it('follows a detection from the hook request through the run to each Okta call in one trace, by OTLP/HTTP', async () => {
  const env = {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    CORDON_TASK_QUEUE: `tracing-${process.pid}`,
    CORDON_DATA_DIR: dir,
    CORDON_LOG_LEVEL: 'WARN',
    CORDON_OTLP_ENDPOINT: receiver.url,
    OKTA_ORG_URL: okta.url,
    OKTA_API_TOKEN: okta.token,
    OKTA_EVENT_HOOK_SECRET: OKTA_SECRET,
    CORDON_INDICATORS: JSON.stringify({ ips: [LISTED_IP] }),
  };
  const [worker, serve] = await Promise.all([
    startCordonProcess('worker', ['--import', 'tsx', 'worker.ts'], env, /cordon worker: /, 110_000),
    startCordonProcess(
      'serve',
      ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1'],
      env,
      /cordon serve on (http:\/\/\S+) /,
    ),
  ]);
  processes.push(worker.process, serve.process);
  const login = `traced-${process.pid}@corp.example`;
  okta.addUser({ login, sessions: 1, factors: ['sms'] });

  const response = await fetch(`${serve.match[1]}/hooks/okta`, {
    method: 'POST',
    headers: { authorization: OKTA_SECRET, 'content-type': 'application/json' },
    body: oktaDelivery([oktaEvent({ uuid: `evt-traced-${process.pid}`, login })]),
  });
  expect(response.status).toBe(200);
  const run = client.workflow.getHandle(`cordon/okta-account-compromise/${login}`);

  // The run's steps before its approval read and change the account at Okta: wait for their spans to be exported.
  const hookSpan = () => receiver.spans.find((span) => span.name === 'POST /hooks/okta');
  const oktaWrite = () =>
    receiver.spans.find(
      (span) => span.traceId === hookSpan()?.traceId && span.name === 'okta DELETE /api/v1/users/{}/sessions',
    );
  await expect.poll(() => oktaWrite(), { timeout: 60_000, interval: 250 }).toBeDefined();
  // Without a people directory the gate has no approver, and the run may have ended already.
  // It may also end between the look and the terminate (CI saw "workflow execution already completed").
  if ((await run.describe()).status.name === 'RUNNING') {
    await run.terminate('the trace is complete').catch((error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    });
  }

  const hook = hookSpan();
  expect(hook).toMatchObject({ service: 'cordon-serve', parentSpanId: '' });
  // A span is exported once it ends, in batches: an Okta call's span can arrive before its activity's.
  const expected = [
    'cordon-serve POST /hooks/okta',
    'cordon-serve StartWorkflow:runPlaybook',
    'cordon-worker okta GET /api/v1/users/{}',
    'cordon-worker okta DELETE /api/v1/users/{}/sessions',
  ];
  const namesOf = (spans: ReceivedSpan[]) => spans.map((span) => `${span.service} ${span.name}`);
  const exported = () => {
    const spans = receiver.spans.filter((span) => span.traceId === hook?.traceId);
    return (
      expected.every((name) => namesOf(spans).includes(name)) &&
      spans
        .filter((span) => span.name.startsWith('okta '))
        .every((call) => ancestors(call, spans).at(-1)?.name === 'POST /hooks/okta')
    );
  };
  await expect.poll(exported, { timeout: 30_000, interval: 250 }).toBe(true);
  const trace = receiver.spans.filter((span) => span.traceId === hook?.traceId);
  expect(namesOf(trace)).toEqual(expect.arrayContaining(expected));
  // Each Okta call hangs from its activity's span, under the run's start (the workflow carries the start's trace
  // context to each activity and makes no span of its own: patch trace-context-only), under the hook request's.
  expect(namesOf(trace).filter((name) => name.includes('Workflow:runPlaybook'))).toEqual([
    'cordon-serve StartWorkflow:runPlaybook',
  ]);
  for (const call of trace.filter((span) => span.name.startsWith('okta '))) {
    const chain = ancestors(call, trace).map((span) => span.name);
    expect(chain[0]).toMatch(/^RunActivity:/);
    expect(chain[1]).toBe('StartWorkflow:runPlaybook');
    expect(chain.at(-1)).toBe('POST /hooks/okta');
    expect(call.attributes['http.response.status_code']).toBeGreaterThanOrEqual(200);
  }
  expect(receiver.refused).toEqual([]);
}, 120_000);
