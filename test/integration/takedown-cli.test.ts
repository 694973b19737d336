/**
 * `cordon status` and `cordon list` on takedown monitors, in process against the dev server: the monitor's checks,
 * reports, reminders and outcome, and a one-line refusal for a workflow that is not cordon's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { UsageError } from '../../cli/command';
import { listCommand, statusCommand } from '../../cli/commands/runs';
import { cliContextOver } from '../support/cli-context';
import { startHarness, type Harness } from '../support/harness';
import { monitorUnderTest, startMonitorThroughRun } from '../support/monitor-under-test';
import { startTakedownWorld, type TakedownWorld } from './takedown-world';

let world: TakedownWorld;
let harness: Harness;

beforeAll(async () => {
  world = await startTakedownWorld();
  harness = await startHarness({
    handlers: {
      ...asHandlerMap(createOktaHandlers(undefined)),
      ...asHandlerMap(createTakedownHandlers({ config: world.config })),
    },
    specs: [monitorUnderTest],
  });
});
afterAll(async () => {
  await harness?.shutdown();
  await world?.close();
});

const cli = () => cliContextOver(harness.client);

describe('cordon status and list of takedown monitors', () => {
  it('show what a monitor checked, whom it reported to, and how it ended', async () => {
    const domain = 'okta-cli-status.com';
    world.addPhishingDomain(domain);
    const { handle } = await startMonitorThroughRun(harness, {
      domain,
      reportedAt: new Date().toISOString(),
      reportedTo: [{ provider: 'email', to: 'abuse@hosting.example' }],
      checkInterval: 1_000,
      downAfterChecks: 2,
      renotifyAfter: 0,
      escalateAfter: 0,
    });
    const { workflowId } = handle;
    const context = cli();
    for (let tries = 0; tries < 50 && !context.lines.some((line) => line.includes('last at')); tries++) {
      context.lines.length = 0;
      await statusCommand.run({ values: {}, positionals: [workflowId] }, context);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(context.lines[0]).toMatch(new RegExp(`^${workflowId}: takedown monitor of ${domain}, monitoring \\(since `));
    expect(context.lines.join('\n')).toMatch(/reported .* to email:abuse@hosting\.example/);
    expect(context.lines.join('\n')).toMatch(
      /checks: \d+ \(0 inconclusive\); last at .*: up, resolves to 127\.0\.0\.1, HTTP 200/,
    );
    expect(context.lines.join('\n')).toContain(`stop it: cordon cancel ${workflowId}`);

    const listed = cli();
    await listCommand.run({ values: { query: `WorkflowId = '${workflowId}'` }, positionals: [] }, listed);
    expect(listed.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `RUNNING +${workflowId.replace(/\./g, '\\.')}  \\(takedown of ${domain.replace(/\./g, '\\.')} monitoring: \\d+ checks, last check up, 1 recipients, 0 reminders, 0 escalations\\)$`,
        ),
      ),
    ]);

    world.dns.setMode(domain, 'nxdomain');
    await handle.result();
    const ended = cli();
    await statusCommand.run({ values: {}, positionals: [workflowId] }, ended);
    expect(ended.lines[0]).toMatch(new RegExp(`takedown monitor of ${domain.replace(/\./g, '\\.')}, down \\(ended `));
    expect(ended.lines.join('\n')).toMatch(/down since /);
  });

  it('refuses a workflow that is not cordon’s in one line, and one that does not exist', async () => {
    const workflowId = `not-cordon-${Date.now()}`;
    await harness.client.workflow.start('someoneElsesWorkflow', { taskQueue: `nobody-${Date.now()}`, workflowId });
    const error = await statusCommand.run({ values: {}, positionals: [workflowId] }, cli()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${workflowId} is a someoneElsesWorkflow workflow, not a cordon run or takedown monitor; \`cordon list\` shows those`,
    );
    await harness.client.workflow.getHandle(workflowId).terminate('test over');
    const missing = await statusCommand
      .run({ values: {}, positionals: ['no-such-run'] }, cli())
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UsageError);
    expect((missing as Error).message).toBe('no workflow no-such-run');
  });
});
