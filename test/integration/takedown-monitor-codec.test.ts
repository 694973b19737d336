/**
 * With the payload codec on, a takedown monitor's workflow id is a keyed pseudonym of its domain, since a shared
 * cluster reads workflow ids in clear; every lookup still finds it by the domain (`cordon status
 * takedown-monitor/<domain>`, the join of a second takedown of the same domain), and so is a monitor started under
 * the readable id before pseudonyms, while it runs. Without a codec the id stays readable (the other takedown tests).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRunHistory, replayHistories, replayLine } from '../../audit';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { cancelCommand, statusCommand } from '../../cli/commands/runs';
import type { CodecKeys } from '../../codec/aes-gcm-codec';
import { dataConverterFor } from '../../codec/data-converter';
import type { TakedownMonitorInput } from '../../workflows/takedown-monitor';
import { takedownMonitorStatusQuery } from '../../workflows/takedown-monitor-messages';
import { cliContextOver } from '../support/cli-context';
import { startHarness, type Harness } from '../support/harness';
import { monitorUnderTest, startMonitorThroughRun } from '../support/monitor-under-test';
import { storedText } from '../support/raw-text';
import { startTakedownWorld, type TakedownWorld } from './takedown-world';

const keys: CodecKeys = { keys: new Map([['2026-11', randomBytes(32)]]), activeKeyId: '2026-11' };

let world: TakedownWorld;
let encrypted: Harness;
let clear: Harness;

beforeAll(async () => {
  world = await startTakedownWorld();
  const options = {
    handlers: {
      ...asHandlerMap(createOktaHandlers(undefined)),
      ...asHandlerMap(createTakedownHandlers({ config: world.config })),
    },
    specs: [monitorUnderTest],
  };
  encrypted = await startHarness({ ...options, dataConverter: dataConverterFor(keys) });
  // Stands for the deployment before the codec (or before this change): its monitors run under readable ids.
  clear = await startHarness(options);
});
afterAll(async () => {
  await encrypted?.shutdown();
  await clear?.shutdown();
  await world?.close();
});

function monitorInput(domain: string): Partial<TakedownMonitorInput> {
  world.addPhishingDomain(domain);
  return {
    domain,
    reportedAt: new Date().toISOString(),
    reportedTo: [{ provider: 'email', to: 'abuse@hosting.example' }],
    checkInterval: 60_000,
    renotifyAfter: 0,
    escalateAfter: 0,
  };
}

async function statusLines(harness: Harness, id: string): Promise<string[]> {
  const context = cliContextOver(harness.client);
  await statusCommand.run({ values: {}, positionals: [id] }, context);
  return context.lines;
}

describe('takedown monitor ids with the payload codec', () => {
  it('keep the domain out of the id, description and history, and are still found by the domain', async () => {
    const domain = 'okta-lure-pseudonym.com';
    const first = await startMonitorThroughRun(encrypted, monitorInput(domain));
    const { workflowId } = first.handle;
    expect(workflowId).toMatch(/^takedown-monitor-test\/~[0-9a-f]{24}$/);

    expect(await storedText(encrypted.client, encrypted.namespace, workflowId)).not.toContain('okta-lure-pseudonym');
    expect(await first.handle.query(takedownMonitorStatusQuery)).toMatchObject({ domain, outcome: 'monitoring' });

    // A second takedown of the same domain joins the monitor (the same pseudonym), and status finds it by domain.
    const second = await startMonitorThroughRun(encrypted, monitorInput(domain));
    expect(second.handle.workflowId).toBe(workflowId);
    expect(second.runId).toBeUndefined();
    const lines = await statusLines(encrypted, `takedown-monitor-test/${domain}`);
    expect(lines[0]).toMatch(
      new RegExp(`^${workflowId}: takedown monitor of ${domain.replace(/\./g, '\\.')}, monitoring`),
    );

    // The runs that started and joined it replay against today's code (the id is the worker's, behind a patch).
    const outcomes = await replayHistories(
      await Promise.all(
        [first.startedBy, second.startedBy].map(async (id) => ({
          label: id,
          workflowId: id,
          history: (await fetchRunHistory(encrypted.client, id)).history,
        })),
      ),
      { workflowBundle: { code: await readFile(encrypted.bundlePath, 'utf8') } },
    );
    expect(outcomes.map(replayLine).join('\n')).not.toContain('✗');

    const cancelled = cliContextOver(encrypted.client);
    await cancelCommand.run({ values: {}, positionals: [`takedown-monitor-test/${domain}`] }, cancelled);
    expect(cancelled.lines).toEqual([`cancellation of ${workflowId} requested`]);
    await first.handle.result();
    // Ended, it is still found by its domain.
    expect((await statusLines(encrypted, `takedown-monitor-test/${domain}`))[0]).toContain(workflowId);
  });

  it('join a monitor still running under the readable id, and find it by the domain', async () => {
    const domain = 'okta-lure-legacy.com';
    const legacy = await startMonitorThroughRun(clear, monitorInput(domain));
    expect(legacy.handle.workflowId).toBe(`takedown-monitor-test/${domain}`);

    const joined = await startMonitorThroughRun(encrypted, monitorInput(domain));
    expect(joined.handle.workflowId).toBe(legacy.handle.workflowId);
    expect(joined.runId).toBeUndefined();
    const lines = await statusLines(encrypted, `takedown-monitor-test/${domain}`);
    expect(lines[0]).toMatch(
      /^takedown-monitor-test\/okta-lure-legacy\.com: takedown monitor of okta-lure-legacy\.com/,
    );

    // `cordon cancel` finds it by the domain too.
    const cancelled = cliContextOver(encrypted.client);
    await cancelCommand.run({ values: {}, positionals: [`takedown-monitor-test/${domain}`] }, cancelled);
    expect(cancelled.lines).toEqual([`cancellation of ${legacy.handle.workflowId} requested`]);
    await legacy.handle.result();
    // Once it has ended, a new takedown of the domain starts a monitor under the pseudonym.
    const fresh = await startMonitorThroughRun(encrypted, monitorInput(domain));
    expect(fresh.handle.workflowId).toMatch(/^takedown-monitor-test\/~[0-9a-f]{24}$/);
    expect(fresh.runId).toBeDefined();
    await fresh.handle.cancel();
    await fresh.handle.result();
  });
});

describe('run ids with the payload codec', () => {
  it('are found by status and cancel under the readable id the responder knows, login and all', async () => {
    const plan = encrypted.plan(`
id: codec-wait
title: Wait, by login
inputs:
  login: { type: email }
dedupe: "\${{ inputs.login }}"
steps:
  - id: wait
    action: core.wait
    with: { seconds: 60 }
`);
    const { handle, workflowId } = await encrypted.start(plan, { login: 'Mallory.Codec@example.com' });
    expect(workflowId).toMatch(/^cordon\/codec-wait\/~[0-9a-f]{24}$/);
    const readable = 'cordon/codec-wait/mallory.codec@example.com';
    expect((await statusLines(encrypted, readable))[0]).toContain(workflowId);
    // As typed by a person: the login's case does not matter, as it does not for the run's own id.
    const cancelled = cliContextOver(encrypted.client);
    await cancelCommand.run({ values: {}, positionals: ['cordon/codec-wait/Mallory.Codec@example.com'] }, cancelled);
    expect(cancelled.lines).toEqual([`cancellation of ${workflowId} requested`]);
    await handle.result().catch(() => undefined);
  });
});
