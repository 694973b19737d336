import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { AuditError, auditSchema, buildAudit, parseExport, renderJson, renderText, type Audit } from '../../audit';

const GOLDEN = path.resolve('test/golden');

function goldenAudit(name: string): Audit {
  const file = path.join(GOLDEN, `${name}.json`);
  return buildAudit(parseExport(readFileSync(file, 'utf8'), file).run);
}

const step = (audit: Audit, id: string) => {
  const found = audit.steps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};

describe('audits read from golden histories', () => {
  it('names the playbook, the requester, the approver, the people asked and the alerts of the approved demo run', () => {
    const audit = goldenAudit('demo-containment-approved');
    expect(audit.playbook).toMatchObject({ id: 'demo-containment', version: '1', sourceMatchesSha256: true });
    expect(audit.playbook.source).toContain('id: demo-containment');
    expect(audit.run).toMatchObject({
      workflowId: 'cordon/demo-containment/jane.doe@example.com',
      requester: 'alice',
      trigger: { kind: 'cli', source: 'record-golden' },
      subject: 'jane.doe@example.com',
      incidentId: 'INC-1001',
    });
    expect(audit.steps.map((entry) => [entry.id, entry.status])).toEqual([
      ['triage', 'succeeded'],
      ['sessions', 'succeeded'],
      ['grants', 'succeeded'],
      ['suspend', 'succeeded'],
      ['takedown', 'succeeded'],
    ]);
    const [approval] = audit.approvals;
    expect(approval).toMatchObject({ stepId: 'suspend', status: 'approved', approvers: ['bob', 'carol'] });
    expect(approval?.resolutions).toEqual([
      expect.objectContaining({ purpose: 'gate', groups: ['secops-oncall'], resolved: ['bob', 'carol'] }),
    ]);
    expect(approval?.decisions).toEqual([
      expect.objectContaining({
        approver: 'bob',
        decision: 'approve',
        via: 'human',
        reason: 'confirmed with the user: they did not sign in',
        clientIdentity: 'golden-client',
      }),
    ]);
    const decidedAt = approval?.decisions[0]?.at ?? '';
    expect(approval?.requestedAt ?? '').toBeTruthy();
    expect(decidedAt >= (approval?.requestedAt ?? '')).toBe(true);
    expect((step(audit, 'suspend').startedAt ?? '') >= decidedAt).toBe(true);
    expect(audit.alerts).toEqual([
      expect.objectContaining({
        source: 'okta',
        reference: 'evt-golden-2',
        summary: 'a second sign-in from 203.0.113.7',
      }),
    ]);
    expect(audit.outcome).toMatchObject({ status: 'completed', runStatus: 'succeeded' });
    expect(audit.notifications.sent).toBeGreaterThan(0);
    expect(audit.otherActivities).toEqual([]);
    expect(audit.warnings).toEqual([]);
  });

  it('lists each undo newest first, the retried attempt and the failure of a run that undid its work', () => {
    const audit = goldenAudit('undo-after-failure');
    expect(audit.outcome).toMatchObject({ status: 'failed', runStatus: 'failed' });
    expect(audit.outcome.failure?.message).toMatch(/notify_owner/);
    expect(step(audit, 'isolate').calls.map((call) => call.activityId)).toEqual(['isolate[0]', 'isolate[1]']);
    expect(step(audit, 'isolate').status).toBe('undone');
    expect(step(audit, 'notify_owner').calls[0]?.error).toMatchObject({
      type: 'DeliberateFailure',
      nonRetryable: true,
    });
    const flaky = step(audit, 'flaky');
    expect(flaky.calls[0]).toMatchObject({ attempts: 2, outcome: 'completed' });
    expect(flaky.calls[0]?.previousAttemptFailure?.type).toBe('Unavailable');
    const undo = audit.steps
      .flatMap((entry) => entry.undo)
      .sort((a, b) => a.scheduledEventId - b.scheduledEventId)
      .map((call) => [call.activityId, call.activityType, call.outcome]);
    expect(undo).toEqual([
      ['undo:disable', 'test.restore', 'completed'],
      ['undo:isolate[1]', 'test.unmark', 'completed'],
      ['undo:isolate[0]', 'test.unmark', 'completed'],
    ]);
    expect(audit.approvals[0]?.decisions[0]).toMatchObject({ approver: 'carol', decision: 'approve' });
  });

  it('says who rejected a step and why, and that what depended on it was skipped', () => {
    const audit = goldenAudit('rejected-approval');
    expect(audit.run).toMatchObject({
      requester: 'detection:okta',
      trigger: { kind: 'detection', source: 'okta', reference: 'evt-00042' },
    });
    expect(step(audit, 'wipe')).toMatchObject({ status: 'rejected', calls: [] });
    expect(step(audit, 'confirm').status).toBe('skipped');
    expect(audit.approvals[0]?.resolutions[0]?.resolved).toEqual(['bob', 'carol', 'dana']);
    expect(audit.approvals[0]?.decisions).toEqual([
      expect.objectContaining({
        approver: 'dana',
        decision: 'reject',
        reason: 'false positive: the user was travelling',
      }),
    ]);
    expect(audit.timeline.map((entry) => entry.text)).toContain(
      'step wipe rejected by dana: false positive: the user was travelling',
    );
  });

  it('shows the deadline that fired and whom an approval escalated to', () => {
    const audit = goldenAudit('escalated-approval');
    const [approval] = audit.approvals;
    expect(approval?.escalated).toBe(true);
    expect(approval?.timers.map((timer) => [timer.purpose, timer.durationMs, timer.outcome])).toEqual([
      ['gate', 1000, 'fired'],
      ['escalation', 1_800_000, 'cancelled'],
    ]);
    expect(approval?.resolutions.map((resolution) => [resolution.purpose, resolution.resolved])).toEqual([
      ['gate', ['alice']],
      ['escalation', ['erin']],
    ]);
    expect(approval?.decisions).toEqual([expect.objectContaining({ approver: 'erin', decision: 'approve' })]);
    expect(audit.timeline.some((entry) => entry.kind === 'approval_escalated')).toBe(true);
  });

  it('says who cancelled a run and that its waiting step was cancelled', () => {
    const audit = goldenAudit('cancelled-while-waiting');
    expect(audit.outcome).toMatchObject({ status: 'cancelled', cancelRequested: { by: 'golden-client' } });
    expect(step(audit, 'wipe')).toMatchObject({ status: 'cancelled', reason: 'the run was cancelled' });
    expect(audit.approvals[0]?.decisions).toEqual([]);
  });

  it('gives every golden run a JSON audit of the documented shape, version 2', () => {
    // Files named NAME.chunk-N.json are child workflows of a run, not runs.
    const names = readdirSync(GOLDEN).filter((name) => name.endsWith('.json') && !name.includes('.chunk-'));
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const audit = goldenAudit(name.replace(/\.json$/, ''));
      const reparsed = auditSchema.parse(JSON.parse(renderJson(audit)));
      expect(reparsed.auditVersion).toBe(2);
      expect(renderText(audit).join('\n')).toContain(audit.run.workflowId);
    }
  });

  it("lists the child workflows a campaign-sized forEach ran its items in, with each slice's outcome", () => {
    const audit = goldenAudit('large-foreach');
    const sweep = step(audit, 'sweep');
    expect(sweep.calls.map((call) => [call.role, call.activityId, call.activityType, call.outcome])).toEqual([
      ['chunk', 'sweep/0', 'runItemsChunk', 'completed'],
      ['chunk', 'sweep/100', 'runItemsChunk', 'completed'],
      ['chunk', 'sweep/200', 'runItemsChunk', 'completed'],
    ]);
    expect(sweep.calls[0]?.child?.workflowId).toBe(`${audit.run.workflowId}/sweep/0`);
    expect(audit.timeline.map((entry) => entry.text)).toContain(
      'step sweep started: test.read over 201 items in 3 child workflows',
    );
    expect(() => goldenAudit('large-foreach.chunk-0')).toThrow(
      /is a slice of a large forEach \(runItemsChunk\), not a run/,
    );
  });

  it('refuses a history that is not a cordon run, saying why', () => {
    const history = historyFromJSON({
      events: [
        {
          eventId: '1',
          eventTime: '2026-01-01T00:00:00Z',
          eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
          workflowExecutionStartedEventAttributes: {
            workflowType: { name: 'somethingElse' },
            input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] },
          },
        },
      ],
    });
    expect(() => buildAudit({ workflowId: 'other', runId: undefined, history, source: 'test' })).toThrow(
      new AuditError(
        'the history of other is not a cordon run: its input is not a compiled playbook (plan: Invalid input: expected object, received undefined)',
      ),
    );
  });
});
