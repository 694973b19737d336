import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => harness?.shutdown());

function text(payload: Payload | null | undefined): string | undefined {
  return payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
}

describe('runs as the Temporal Web UI shows them', () => {
  it('carry a static summary and details naming the playbook, subject, incident and requester', async () => {
    const plan = harness.plan(`
id: web-ui-run
title: Contain a test account
inputs:
  login: { type: email }
subject: "\${{ inputs.login }}"
steps:
  - id: look
    action: test.read
    with: { target: "\${{ inputs.login }}" }
`);
    const { handle } = await harness.start(
      plan,
      { login: 'bob@example.com' },
      { incidentId: 'INC-42', requester: 'alice@example.com' },
    );
    await handle.result();
    // Read through the server's own describe call, as the Web UI does.
    const raw = await harness.client.workflowService.describeWorkflowExecution({
      namespace: harness.namespace,
      execution: { workflowId: handle.workflowId },
    });
    const metadata = raw.executionConfig?.userMetadata;
    expect(text(metadata?.summary)).toBe('web-ui-run: bob@example.com [incident INC-42]');
    const details = text(metadata?.details) ?? '';
    expect(details).toContain('Contain a test account');
    expect(details).toContain('playbook: `web-ui-run`');
    expect(details).toContain('subject: bob@example.com');
    expect(details).toContain('incident: INC-42');
    expect(details).toContain('requester: alice@example.com');
    expect(details).toContain('trigger: cli');
    // And through the SDK's describe, which decodes them the same way.
    const described = await handle.describe();
    expect(await described.staticSummary()).toBe('web-ui-run: bob@example.com [incident INC-42]');
  });

  it('give each activity a summary with the step, its target and the action, items included', async () => {
    const plan = harness.plan(`
id: web-ui-activities
title: Activity summaries
inputs:
  login: { type: email }
  domains: { type: list, of: domain }
subject: "\${{ inputs.login }}"
steps:
  - id: suspend
    action: test.mark
    with: { target: "\${{ inputs.login }}" }
  - id: takedown
    forEach: "\${{ inputs.domains }}"
    action: test.read
    with: { target: "\${{ item }}" }
`);
    const { handle } = await harness.start(plan, { login: 'bob@example.com', domains: ['evil.test', 'worse.test'] });
    await handle.result();
    const history = await handle.fetchHistory();
    const summaries = (history.events ?? [])
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name?.startsWith('test.'))
      .map((event) => text(event.userMetadata?.summary))
      .sort();
    expect(summaries).toEqual([
      'suspend bob@example.com (test.mark)',
      'takedown[0] evil.test (test.read)',
      'takedown[1] worse.test (test.read)',
    ]);
  });
});
