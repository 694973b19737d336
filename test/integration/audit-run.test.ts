import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { auditSchema, buildAudit, fetchRunHistory, type Audit } from '../../audit';
import { auditCommand } from '../../cli/commands/audit';
import type { CliContext } from '../../cli/context';
import { loadConfig } from '../../config/config';
import { decide } from '../support/people';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval } from '../support/wait';
import { signedSlashCommand } from '../../stand-ins/slack';

const SECRET = 'hunter2-only-in-history';
/** The run starts "from Slack", so it carries the slash command Slack signed, which the worker verifies first. */
const SLACK_SIGNING_SECRET = 'audit-run-slack-signing-secret';

function signedRunCommand(target: string) {
  return signedSlashCommand(SLACK_SIGNING_SECRET, {
    command: '/cordon',
    text: `run audited target=${target}`,
    userId: 'requester',
    channelId: 'C0SEC',
    responseUrl: 'http://127.0.0.1:9/unused',
  });
}

let harness: Harness;
let dir: string;
beforeAll(async () => {
  harness = await startHarness({
    groups: { oncall: ['alice', 'bob', 'carol'] },
    slackSigningSecret: SLACK_SIGNING_SECRET,
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-audit-run-'));
});
afterAll(async () => harness?.shutdown());

const playbook = `
id: audited
version: 7
title: Audited containment
inputs:
  target: { type: string }
subject: "\${{ inputs.target }}"
dedupe: "\${{ inputs.target }}"
steps:
  - id: prepare
    action: test.read
    with: { target: "\${{ inputs.target }}" }
  - id: note
    action: core.log
    needs: [prepare]
    with: { message: noted, fields: { password: "${SECRET}", ticket: SEC-7 } }
  - id: destroy
    action: test.destroy
    needs: [prepare]
    with: { target: "\${{ inputs.target }}" }
    approval:
      approvers: { groups: [oncall] }
      show: { who: "\${{ inputs.target }}" }
  - id: after
    action: test.mark
    needs: [destroy]
    with: { target: after }
`;

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

async function cli(values: Record<string, string | boolean>, positionals: string[] = []) {
  const lines: string[] = [];
  const code = await auditCommand.run({ values, positionals }, cliContext(harness.client, lines));
  return { code, output: lines.join('\n') };
}

interface Run {
  workflowId: string;
  target: string;
  decidedBetween: [number, number];
  /** The audit taken while the run waited for the approval. */
  waiting: Audit;
}

/** Audits a live run until `ready` holds: the interpreter records the request a moment after it is made. */
async function auditWhen(workflowId: string, ready: (audit: Audit) => boolean): Promise<Audit> {
  let audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
  for (let attempt = 0; attempt < 50 && !ready(audit); attempt++) {
    await sleep(100);
    audit = buildAudit(await fetchRunHistory(harness.client, workflowId));
  }
  return audit;
}

/** A run of the playbook, approved by bob, to its end. */
async function approvedRun(target: string): Promise<Run> {
  const { handle, workflowId } = await harness.start(
    harness.plan(playbook),
    { target },
    {
      requester: 'requester',
      trigger: { kind: 'slack', source: 'C0SEC', channel: 'C0SEC', reference: 'req-1' },
      slackRequest: signedRunCommand(target),
      incidentId: 'INC-9',
    },
  );
  await pendingApproval(handle, 'destroy');
  const waiting = await auditWhen(workflowId, (audit) => audit.approvals[0]?.status === 'pending');
  const before = Date.now();
  await decide(harness.client, workflowId, {
    stepId: 'destroy',
    decision: 'approve',
    approver: 'bob',
    reason: 'looks right',
  });
  const after = Date.now();
  await handle.result();
  return { workflowId, target, decidedBetween: [before, after], waiting };
}

let run: Run;
let audit: Audit;
beforeAll(async () => {
  run = await approvedRun(`audit-${Date.now()}`);
  audit = buildAudit(await fetchRunHistory(harness.client, run.workflowId));
});

const step = (id: string) => {
  const found = audit.steps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no step ${id} in the audit`);
  return found;
};

describe('cordon audit of a real run', () => {
  it('lists every step and approval with the right people and times, from the history alone', () => {
    expect(audit.run).toMatchObject({
      workflowId: run.workflowId,
      requester: 'requester',
      trigger: { kind: 'slack', source: 'C0SEC', reference: 'req-1' },
      subject: run.target,
      incidentId: 'INC-9',
      inputs: { target: run.target },
    });
    expect(audit.playbook).toMatchObject({ id: 'audited', version: '7', sourceMatchesSha256: true });
    expect(audit.steps.map((entry) => [entry.id, entry.status, entry.calls.length])).toEqual([
      ['prepare', 'succeeded', 1],
      ['note', 'succeeded', 1],
      ['destroy', 'succeeded', 1],
      ['after', 'succeeded', 1],
    ]);
    expect(step('destroy').calls[0]).toMatchObject({
      activityId: 'destroy',
      activityType: 'test.destroy',
      outcome: 'completed',
      attempts: 1,
      input: { target: run.target },
      output: { target: run.target, changed: true },
    });

    const [approval] = audit.approvals;
    expect(approval).toMatchObject({ stepId: 'destroy', status: 'approved', approvers: ['alice', 'bob', 'carol'] });
    expect(approval?.resolutions).toEqual([
      expect.objectContaining({ purpose: 'gate', groups: ['oncall'], resolved: ['alice', 'bob', 'carol'] }),
    ]);
    expect(approval?.decisions).toEqual([
      expect.objectContaining({ approver: 'bob', decision: 'approve', reason: 'looks right', via: 'human' }),
    ]);
    const decidedAt = Date.parse(approval?.decisions[0]?.at ?? '');
    const [before, after] = run.decidedBetween;
    expect(decidedAt).toBeGreaterThanOrEqual(before - 50);
    expect(decidedAt).toBeLessThanOrEqual(after + 50);
    expect(Date.parse(approval?.requestedAt ?? '')).toBeLessThanOrEqual(decidedAt);
    expect(Date.parse(step('destroy').startedAt ?? '')).toBeGreaterThanOrEqual(decidedAt);
    expect(Date.parse(step('after').startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(step('destroy').endedAt ?? ''));
    expect(audit.timeline.map((entry) => entry.text)).toContain('step destroy approved by bob: looks right');
    expect(audit.outcome).toMatchObject({ status: 'completed', runStatus: 'succeeded' });
  });

  it('audits a run that is still waiting for its approval', () => {
    const { waiting } = run;
    expect(waiting.outcome).toMatchObject({ status: 'running', at: null });
    expect(waiting.approvals[0]).toMatchObject({
      stepId: 'destroy',
      status: 'pending',
      approvers: ['alice', 'bob', 'carol'],
      decisions: [],
    });
    expect(waiting.steps.find((entry) => entry.id === 'destroy')?.status).toBe('waiting_approval');
    expect(waiting.steps.find((entry) => entry.id === 'after')?.calls).toEqual([]);
  });

  it('prints JSON of the documented shape', async () => {
    const { code, output } = await cli({ format: 'json' }, [run.workflowId]);
    expect(code).toBe(0);
    const parsed = auditSchema.parse(JSON.parse(output));
    expect(parsed).toMatchObject({ auditVersion: 2, run: { workflowId: run.workflowId } });
    expect(parsed.approvals[0]?.decisions[0]?.approver).toBe('bob');
  });

  it('never shows a secret-looking field, in any format', async () => {
    for (const format of ['text', 'json', 'html']) {
      const { code, output } = await cli({ format }, [run.workflowId]);
      expect(code).toBe(0);
      expect(output).not.toContain(SECRET);
      expect(output).toContain('[redacted]');
    }
    expect(step('note').calls[0]?.output).toEqual({
      message: 'noted',
      fields: { password: '[redacted]', ticket: 'SEC-7' },
    });
  });

  it('renders an HTML report that headless Chromium shows with every step visible', async () => {
    const file = path.join(dir, 'report.html');
    expect((await cli({ format: 'html', out: file }, [run.workflowId])).code).toBe(0);
    const browser = await chromium.launch({ executablePath: await findChromium(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);
      expect(await page.title()).toBe(`Audit: Audited containment — ${run.workflowId}`);
      for (const entry of audit.steps) {
        const heading = page.locator(`#step-${entry.id} .step-id`);
        expect(await heading.isVisible()).toBe(true);
        expect(await heading.innerText()).toBe(entry.id);
      }
      const text = await page.innerText('body');
      expect(text).toContain('bob');
      expect(text).toContain('looks right');
      expect(text).not.toContain(SECRET);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      await page.screenshot({ path: '/tmp/cordon-audit-report.png', fullPage: true });
    } finally {
      await browser.close();
    }
    expect((await readFile(file, 'utf8')).startsWith('<!doctype html>')).toBe(true);
  });

  it('finds runs by subject with a visibility query', async () => {
    const query = `CordonSubject = '${run.target}'`;
    let output = '';
    for (let attempt = 0; attempt < 50 && !output.includes(run.workflowId); attempt++) {
      if (attempt > 0) await sleep(200);
      output = (await cli({ query })).output;
    }
    expect(output).toContain(run.workflowId);
    expect(output).toContain('destroy approved by bob');
    const json = await cli({ query, format: 'json' });
    expect(JSON.parse(json.output)).toEqual([expect.objectContaining({ auditVersion: 2 })]);
  });
});
