import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { eventIdOf, parseExport, readExport, replayHistories, type LoadedExport } from '../../audit';
import { auditCommand } from '../../cli/commands/audit';
import { exportCommand } from '../../cli/commands/export';
import { replayCommand } from '../../cli/commands/replay';
import type { Command } from '../../cli/command';
import type { CliContext } from '../../cli/context';
import { loadConfig } from '../../config/config';
import { decide } from '../support/people';
import { findOrInstallTemporalCli } from '../../temporal/cli';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval } from '../support/wait';
import { gatedPlaybook } from '../support/gated-playbook';

const NONDETERMINISTIC = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../support/nondeterministic-workflows.ts',
);

let harness: Harness;
let dir: string;
let exported: string;
let workflowId: string;
beforeAll(async () => {
  harness = await startHarness({ groups: { oncall: ['alice', 'bob'] } });
  dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-audit-replay-'));
  const plan = harness.plan(
    gatedPlaybook({
      id: 'replayed',
      title: 'Replayed',
      dedupe: true,
      approval: '      approvers: { groups: [oncall] }',
    }),
  );
  const started = await harness.start(plan, { target: `replay-${Date.now()}` });
  workflowId = started.workflowId;
  await pendingApproval(started.handle, 'destroy');
  await decide(harness.client, workflowId, { stepId: 'destroy', decision: 'approve', approver: 'alice' });
  await started.handle.result();
  exported = path.join(dir, 'run.json');
  const { code } = await cli(exportCommand, { out: exported }, [workflowId]);
  expect(code).toBe(0);
});
afterAll(async () => harness?.shutdown());

function cliContext(client: Client, lines: string[]): CliContext {
  return {
    config: loadConfig({}),
    env: {},
    registry: builtinRegistry,
    out: (line = '') => lines.push(line),
    err: (line) => lines.push(line),
    settings: () => ({ address: harness.address, namespace: harness.namespace, options: { address: harness.address } }),
    client: async () => client,
    plan: () => Promise.reject(new Error('no playbooks here')),
    user: 'auditor',
  };
}

async function cli(command: Command, values: Record<string, string | boolean>, positionals: string[] = []) {
  const lines: string[] = [];
  const code = await command.run({ values, positionals }, cliContext(harness.client, lines));
  return { code, output: lines.join('\n') };
}

/** The first command a run recorded: an activity, or (since the worker enforces the gate) a `patched()` marker. */
const firstCommand = (loaded: LoadedExport) =>
  (loaded.run.history.events ?? []).find(
    (event) => event.activityTaskScheduledEventAttributes || event.markerRecordedEventAttributes,
  );

describe('export and replay', () => {
  it('exports the same history as `temporal workflow show --output json`, plus an integrity record', async () => {
    const ours = await readExport(exported);
    expect(ours.meta).toMatchObject({ exportVersion: 1, workflowId, historySha256: ours.digest });
    const config = loadConfig(process.env);
    // The pinned CLI (CI exports it as TEMPORAL_CLI_PATH): an older one drops history fields its protos do not know,
    // such as the `eventGroupMarkers` the server sets on events an Update's handler caused.
    const temporal = await findOrInstallTemporalCli({
      cliPath: config.temporal.cliPath,
      cacheDir: config.cacheDir,
      searchPath: process.env.PATH,
    });
    const { stdout } = await promisify(execFile)(
      temporal,
      [
        'workflow',
        'show',
        '--address',
        harness.address,
        '--namespace',
        harness.namespace,
        '-w',
        workflowId,
        '--output',
        'json',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(parseExport(stdout, 'temporal-cli.json').digest).toBe(ours.digest);
    expect((await cli(auditCommand, { verify: exported, server: true })).output).toMatch(
      /the server holds the same history/,
    );
  });

  it('replays an export deterministically with cordon replay and with the SDK replayer, which ignores the extra field', async () => {
    const { code, output } = await cli(replayCommand, {}, [exported]);
    expect(output).toContain(`✓ ${exported}: deterministic`);
    expect(code).toBe(0);
    const raw: unknown = JSON.parse(await readFile(exported, 'utf8'));
    await Worker.runReplayHistory(
      { workflowBundle: { code: await readFile(inject('workflowBundlePath'), 'utf8') } },
      raw,
      workflowId,
    );
    const byId = await cli(replayCommand, {}, [workflowId]);
    expect(byId.code).toBe(0);
  });

  it('reports a deliberately non-deterministic interpreter as diverging at the first event it changed', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: NONDETERMINISTIC, logger: quiet });
    const golden = path.resolve('test/golden/demo-containment-approved.json');
    const files = [exported, golden];
    const loaded = await Promise.all(files.map((file) => readExport(file)));
    const outcomes = await replayHistories(
      loaded.map((entry, index) => ({
        label: files[index] ?? '',
        workflowId: entry.run.workflowId ?? '',
        history: entry.run.history,
      })),
      { workflowBundle: bundle },
    );
    expect(outcomes.map((outcome) => outcome.verdict)).toEqual(['nondeterministic', 'nondeterministic']);
    loaded.forEach((entry, index) => {
      // The variant starts a timer where the recorded run issued its first command: an activity in runs recorded
      // before the worker enforced the gate, the first patch marker in runs recorded since (which patch comes first
      // depends on when the run was recorded: the gate's, then progress pacing's once the tracker decided it first).
      const first = firstCommand(entry);
      const marker = Boolean(first?.markerRecordedEventAttributes);
      expect(outcomes[index]?.divergence).toEqual({
        eventId: first ? eventIdOf(first) : -1,
        eventType: marker ? 'MarkerRecorded' : 'ActivityTaskScheduled',
        recorded: expect.stringMatching(marker ? /^patch [a-z-]+ marked$/ : /^activity .+ scheduled$/),
      });
    });
  });

  it('exits non-zero and names the event when a history no longer matches the code', async () => {
    const text = await readFile(exported, 'utf8');
    // Recorded as another action than the code calls at that point: as if the playbook interpreter had changed.
    const forged = path.join(dir, 'forged.json');
    await writeFile(forged, text.replace('"name": "test.read"', '"name": "test.mark"'));
    const { code, output } = await cli(replayCommand, {}, [exported, forged]);
    expect(code).toBe(1);
    expect(output).toContain(`✓ ${exported}: deterministic`);
    const prepare = (await readExport(forged)).run.history.events?.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityId === 'prepare',
    );
    expect(output).toContain(
      `✗ ${forged}: diverges at event ${prepare ? eventIdOf(prepare) : '?'} (ActivityTaskScheduled: activity prepare (test.mark) scheduled)`,
    );
    expect(output).toContain(
      "Activity type of scheduled event 'test.mark' does not match activity type of activity command 'test.read'",
    );
    expect(output).toContain('1 of 2 replayed deterministically');
  });
});

const quiet = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message: string) => console.error(message),
};
