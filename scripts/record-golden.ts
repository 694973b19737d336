/**
 * Records the golden histories under test/golden/: real runs of the shipped demo playbook and of the fixture
 * playbooks under test/fixtures/golden/ (approvals, a rejection, an escalation, a retry, a failure with undo, a
 * cancellation), on an embedded Temporal dev server with a worker running the built-in handlers and the test actions,
 * each exported as `cordon export` writes it. test/integration/audit-golden.test.ts replays them all against today's
 * workflow code, so a change that would break running or past runs fails CI.
 *
 * Re-record only on purpose: when the interpreter changes what NEW runs record, guard the change with `patched()`,
 * check that the old goldens still replay, then add new ones (keep the old files: they stand for runs in the wild).
 *
 *   npx tsx scripts/record-golden.ts [--only NAME] [--out DIR]
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { asHandlerMap } from '../activities/builtin-handlers';
import { createLogNotifier } from '../activities/notify/log-notifier';
import { createStaticDirectory } from '../activities/notify/static-directory';
import { builtinRegistry } from '../activities/registry';
import { exportText, fetchRunHistory, parseExport, replayHistories, verifyExport } from '../audit';
import { loadPlan } from '../dsl';
import { createDecisionVerifier } from '../activities/verify-decision';
import { decide, keyOf, testDirectory } from '../test/support/people';
import { decide as sendDecision, signedDecision } from '../runs/decide';
import { startRun, type StartRunOptions } from '../runs/start-run';
import { startScratchServer } from '../temporal/scratch-server';
import { createCordonWorker, workflowBundle } from '../temporal/worker-factory';
import { createTestHandlers, testActions } from '../test/support/test-actions';
import { monitorUnderTest } from '../test/support/monitor-under-test';
import { pendingApproval, settle, waitForState } from '../test/support/wait';
import { alertSignal, type SignedRequest } from '../workflows/messages';
import type { Plan } from '../dsl/plan';
import { signedSlashCommand } from '../stand-ins/slack';
import { assembleActivities } from '../activities/assemble';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TASK_QUEUE = 'cordon-golden';
/** Fixed identities, so the goldens name no machine. */
const WORKER_IDENTITY = 'golden-worker';
const CLIENT_IDENTITY = 'golden-client';
const GROUPS = { 'secops-oncall': ['bob', 'carol'], oncall: ['bob', 'carol'], leads: ['erin'] };
/** The Slack app's signing secret of the recording: runs started "from Slack" carry a slash command signed with it. */
const SLACK_SIGNING_SECRET = 'golden-slack-signing-secret';

/** The slash command Slack would have signed for a run started from Slack (the worker verifies it first). */
function slackRunCommand(plan: Plan, start: Scenario['start']): SignedRequest | undefined {
  if (start.trigger.kind !== 'slack' || !start.trigger.channel) return undefined;
  const text = ['run', plan.id, ...Object.entries(start.inputs).map(([name, value]) => `${name}=${String(value)}`)];
  return signedSlashCommand(SLACK_SIGNING_SECRET, {
    command: '/cordon',
    userId: start.requester,
    channelId: start.trigger.channel,
    text: text.join(' '),
    responseUrl: 'http://127.0.0.1:9/unused',
  });
}

/** A run started from the CLI by alice, the usual requester. */
const FROM_CLI = { requester: 'alice', trigger: { kind: 'cli', source: 'record-golden' } } as const;

type Decision = Parameters<typeof decide>[2];

/** Drives a run that waits at one approval: decides it, then waits until the run has settled. */
function decideThenSettle(decision: Decision): Scenario['drive'] {
  return async (handle, client, workflowId) => {
    await pendingApproval(handle, decision.stepId);
    await decide(client, workflowId, decision);
    await settle(handle);
  };
}

interface Scenario {
  name: string;
  /** Relative to the repository, as it is recorded in the plan. */
  playbook: string;
  start: Omit<StartRunOptions, 'plan' | 'taskQueue'>;
  /** Plays the people: decides, signals, cancels. Returns when the run has ended. */
  drive(handle: WorkflowHandle, client: Client, workflowId: string): Promise<unknown>;
  /** Child workflows to record too (file name suffix → child workflow id). */
  children?: (workflowId: string) => Record<string, string>;
}

/**
 * One signed decision sent three times at once (a double click, a retried request): counted once, the copies refused,
 * verified one at a time (patch cordon-one-decision-at-a-time).
 */
const DECISION_SENT_THREE_TIMES: Scenario = {
  name: 'decision-sent-three-times',
  playbook: 'test/fixtures/golden/undo-after-failure.yaml',
  start: {
    inputs: { account: 'victor@example.com', hosts: ['laptop-21'] },
    ...FROM_CLI,
  },
  async drive(handle, client, workflowId) {
    const { inputsHash } = await pendingApproval(handle, 'disable');
    const signed = signedDecision(keyOf('carol'), workflowId, {
      stepId: 'disable',
      decision: 'approve',
      approver: 'carol',
      inputsHash,
    });
    const answers = await Promise.allSettled([1, 2, 3].map(() => sendDecision(client, workflowId, signed)));
    if (answers.filter((answer) => answer.status === 'fulfilled').length !== 1)
      throw new Error(`one of three copies must count: ${answers.map((answer) => answer.status).join(', ')}`);
    await settle(handle);
  },
};

const SCENARIOS: Scenario[] = [
  {
    name: 'demo-containment-approved',
    playbook: 'playbooks/demo-containment.yaml',
    start: {
      inputs: { login: 'jane.doe@example.com', phishingDomain: 'example-okta.test', attackerIp: '203.0.113.7' },
      ...FROM_CLI,
      incidentId: 'INC-1001',
    },
    async drive(handle, client, workflowId) {
      await pendingApproval(handle, 'suspend');
      await handle.signal(alertSignal, {
        source: 'okta',
        reference: 'evt-golden-2',
        summary: 'a second sign-in from 203.0.113.7',
      });
      await decide(client, workflowId, {
        stepId: 'suspend',
        decision: 'approve',
        approver: 'bob',
        reason: 'confirmed with the user: they did not sign in',
      });
      await handle.result();
    },
  },
  {
    name: 'undo-after-failure',
    playbook: 'test/fixtures/golden/undo-after-failure.yaml',
    start: {
      inputs: { account: 'mallory@example.com', hosts: ['laptop-17', 'vm-build-3'] },
      requester: 'alice',
      trigger: { kind: 'api', source: 'soar', reference: 'req-7781' },
    },
    drive: decideThenSettle({
      stepId: 'disable',
      decision: 'approve',
      approver: 'carol',
      reason: 'both hosts show the implant',
    }),
  },
  {
    name: 'rejected-approval',
    playbook: 'test/fixtures/golden/rejected-approval.yaml',
    start: {
      inputs: { account: 'trent@example.com' },
      requester: 'detection:okta',
      trigger: { kind: 'detection', source: 'okta', reference: 'evt-00042' },
      incidentId: 'INC-1002',
    },
    drive: decideThenSettle({
      stepId: 'wipe',
      decision: 'reject',
      approver: 'dana',
      reason: 'false positive: the user was travelling',
    }),
  },
  {
    name: 'escalated-approval',
    playbook: 'test/fixtures/golden/escalated-approval.yaml',
    start: {
      inputs: { domain: 'example-okta.test' },
      requester: 'U0SLACKREQ',
      trigger: { kind: 'slack', source: 'C0SECOPS', reference: 'slash-881', channel: 'C0SECOPS' },
    },
    async drive(handle, client, workflowId) {
      await waitForState(handle, (state) => state.approvals[0]?.escalated === true);
      await decide(client, workflowId, { stepId: 'block', decision: 'approve', approver: 'erin' });
      await handle.result();
    },
  },
  {
    name: 'cancelled-while-waiting',
    playbook: 'test/fixtures/golden/rejected-approval.yaml',
    start: {
      inputs: { account: 'peggy@example.com' },
      ...FROM_CLI,
    },
    async drive(handle) {
      await pendingApproval(handle, 'wipe');
      await handle.cancel();
      await settle(handle);
    },
  },
  {
    name: 'large-foreach',
    playbook: 'test/fixtures/golden/large-foreach.yaml',
    start: {
      inputs: {
        accounts: Array.from({ length: 201 }, (_, index) => `user-${String(index).padStart(3, '0')}@example.com`),
      },
      ...FROM_CLI,
    },
    async drive(handle) {
      await handle.result();
    },
    children: (workflowId) => ({ 'chunk-0': `${workflowId}/sweep/0` }),
  },
  {
    name: 'covered-beside-gate',
    playbook: 'test/fixtures/golden/covered-beside-gate.yaml',
    start: { inputs: { account: 'oscar@example.com' }, ...FROM_CLI },
    drive: decideThenSettle({ stepId: 'reset', decision: 'approve', approver: 'bob' }),
  },
  {
    name: 'foreach-item-pipeline',
    playbook: 'test/fixtures/golden/foreach-item-pipeline.yaml',
    start: {
      inputs: { accounts: ['ann@example.com', 'ben@example.com', 'cat@example.com'] },
      ...FROM_CLI,
    },
    drive: settle,
  },
  {
    name: 'gate-enforced',
    playbook: 'test/fixtures/golden/gate-enforced.yaml',
    start: {
      inputs: {
        account: 'mallory@example.com',
        hosts: Array.from({ length: 201 }, (_, index) => `host-${String(index).padStart(3, '0')}`),
      },
      ...FROM_CLI,
    },
    async drive(handle, client, workflowId) {
      await pendingApproval(handle, 'isolate');
      await decide(client, workflowId, { stepId: 'isolate', decision: 'approve', approver: 'bob' });
      await pendingApproval(handle, 'undo:quarantine');
      await decide(client, workflowId, {
        stepId: 'undo:quarantine',
        decision: 'approve',
        approver: 'carol',
        reason: 'the owner was told by phone',
      });
      await settle(handle);
    },
    children: (workflowId) => ({ 'chunk-0': `${workflowId}/isolate/0` }),
  },
  DECISION_SENT_THREE_TIMES,
  {
    name: 'progress-paced',
    playbook: 'test/fixtures/golden/progress-paced.yaml',
    start: { inputs: {}, ...FROM_CLI },
    drive: settle,
  },
  {
    name: 'monitor-started',
    playbook: 'test/fixtures/golden/monitor-started.yaml',
    start: { inputs: {}, ...FROM_CLI },
    drive: settle,
  },
  // The same under the patch trace-context-only: no OpenTelemetry interceptors in the workflow, whose awaits ordered
  // that run's commands; the start's trace context is carried to each activity instead.
  {
    ...DECISION_SENT_THREE_TIMES,
    name: 'trace-context-only',
    start: { ...DECISION_SENT_THREE_TIMES.start, inputs: { account: 'wendy@example.com', hosts: ['laptop-22'] } },
  },
  {
    name: 'progress-paced-by-timer',
    playbook: 'test/fixtures/golden/progress-paced-by-timer.yaml',
    start: { inputs: {}, requester: 'alice', trigger: { kind: 'cli', source: 'record-golden' } },
    async drive(handle) {
      await settle(handle);
    },
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string' } } });
  const outDir = path.resolve(values.out ?? path.join(ROOT, 'test', 'golden'));
  const scenarios = SCENARIOS.filter((scenario) => !values.only || scenario.name === values.only);
  if (scenarios.length === 0)
    throw new Error(`no scenario ${values.only}; there are ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const server = await startScratchServer(console.log);
  // A detached monitor starts under an id named after its domain (`test.monitor`, as `takedown.monitor` does).
  const registry = builtinRegistry.with([...testActions, monitorUnderTest]);
  const ledger = path.join(await mkdtemp(path.join(os.tmpdir(), 'cordon-golden-')), 'ledger.jsonl');
  const activities = assembleActivities({
    registry,
    handlers: asHandlerMap(createTestHandlers(ledger)),
    directory: createStaticDirectory(GROUPS),
    notifier: createLogNotifier(() => {}),
    // The people sign their decisions with the test keys (test/support/people.ts), as they would with their own.
    verifyDecision: createDecisionVerifier({ people: testDirectory() }),
    gate: { slackSigningSecret: SLACK_SIGNING_SECRET },
  });
  await mkdir(outDir, { recursive: true });
  const worker = await createCordonWorker({
    connection: { address: server.address },
    namespace: server.namespace,
    taskQueue: TASK_QUEUE,
    activities,
    identity: WORKER_IDENTITY,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, identity: CLIENT_IDENTITY });
  try {
    const written: string[] = [];
    // Plans record the playbook path as given: relative to the repository, so the goldens name no machine.
    process.chdir(ROOT);
    for (const scenario of scenarios) {
      const plan = loadPlan(scenario.playbook, registry);
      const slackRequest = slackRunCommand(plan, scenario.start);
      const { handle, workflowId } = await startRun(client, {
        ...scenario.start,
        ...(slackRequest ? { slackRequest } : {}),
        plan,
        taskQueue: TASK_QUEUE,
      });
      await scenario.drive(handle, client, workflowId);
      const records = {
        [scenario.name]: workflowId,
        ...Object.fromEntries(
          Object.entries(scenario.children?.(workflowId) ?? {}).map(([suffix, id]) => [
            `${scenario.name}.${suffix}`,
            id,
          ]),
        ),
      };
      for (const [name, id] of Object.entries(records)) {
        const file = path.join(outDir, `${name}.json`);
        await writeFile(file, exportText(await fetchRunHistory(client, id), 'scripts/record-golden.ts'));
        written.push(file);
        console.log(`recorded ${name}: ${id} -> ${path.relative(ROOT, file)}`);
      }
    }
    await checkReplays(written);
  } finally {
    await worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await server.stop();
  }
}

/** What CI will do with them: each must verify and replay against the code that just recorded it. */
async function checkReplays(files: string[]): Promise<void> {
  const loaded = await Promise.all(
    files.map(async (file) => ({ file, export: parseExport(await readFile(file, 'utf8'), file) })),
  );
  for (const { file, export: golden } of loaded) {
    const check = verifyExport(golden);
    if (!check.ok) throw new Error(`${file}: ${check.message}`);
  }
  const outcomes = await replayHistories(
    loaded.map(({ file, export: golden }) => ({
      label: file,
      workflowId: golden.run.workflowId ?? file,
      history: golden.run.history,
    })),
    { workflowBundle: await workflowBundle() },
  );
  const failed = outcomes.filter((outcome) => outcome.verdict !== 'deterministic');
  if (failed.length > 0)
    throw new Error(`recorded histories do not replay: ${failed.map((outcome) => outcome.label).join(', ')}`);
  console.log(`${outcomes.length} golden histories verified and replayed`);
}

main().catch((error: unknown) => {
  console.error(`record-golden: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
