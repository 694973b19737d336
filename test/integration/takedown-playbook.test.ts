/**
 * The shipped playbook `playbooks/phishing-domain-takedown.yaml` end to end on the dev server: check, approval, report,
 * and one detached monitor per reported domain, against the local takedown stand-ins.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asHandlerMap } from '../../activities/builtin-handlers';
import { createOktaHandlers } from '../../activities/okta/handlers';
import { oktaActions } from '../../activities/okta/specs';
import { builtinRegistry } from '../../activities/registry';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import { takedownActions } from '../../activities/takedown/specs';
import { decide } from '../support/people';
import { EXAMPLE_REGISTRAR } from '../../stand-ins/rdap/oktapus';
import { takedownMonitorStatusQuery } from '../../workflows/takedown-monitor-messages';
import { startHarness, type Harness } from '../support/harness';
import { pendingApproval } from '../support/wait';
import { startTakedownWorld, type TakedownWorld } from './takedown-world';

const PLAYBOOK = 'playbooks/phishing-domain-takedown.yaml';

let world: TakedownWorld;
let harness: Harness;

beforeAll(async () => {
  world = await startTakedownWorld();
  harness = await startHarness({
    groups: { 'secops-oncall': ['alice'] },
    // Okta is not configured here (the block step is skipped without attacker addresses); its handlers are given only
    // while the harness's built-in handlers do not include them yet.
    handlers: {
      ...asHandlerMap(createOktaHandlers(undefined)),
      ...asHandlerMap(createTakedownHandlers({ config: world.config })),
    },
    // Until the takedown and Okta actions are built in, the harness needs their specs too.
    specs: [...takedownActions, ...oktaActions].filter((spec) => !builtinRegistry.has(spec.name)),
  });
});
afterAll(async () => {
  await harness?.shutdown();
  await world?.close();
});

describe('the phishing-domain-takedown playbook', () => {
  it('reports each domain once approved, and leaves a monitor following each one', async () => {
    const domains = ['twilio-okta.com', 'twilio-sso.com'];
    for (const domain of domains) world.addPhishingDomain(domain);
    const plan = harness.plan(readFileSync(PLAYBOOK, 'utf8'), PLAYBOOK);
    const { handle, workflowId } = await harness.start(plan, { domains, comment: 'SMS lure sent to staff' });

    const approval = await pendingApproval(handle, 'takedown');
    expect(world.smtp.messages).toHaveLength(0);
    expect(approval.evidence).toMatchObject({ domains, reportThrough: ['email'] });
    await decide(harness.client, workflowId, { stepId: 'takedown', decision: 'approve', approver: 'alice' });

    const result = await handle.result();
    expect(result.steps.map((step) => [step.id, step.status])).toEqual([
      ['check', 'succeeded'],
      ['takedown', 'succeeded'],
      ['monitor', 'succeeded'],
      ['block', 'skipped'],
    ]);
    for (const domain of domains) {
      const reports = world.smtp
        .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
        .filter((mail) => mail.subject.includes(domain));
      expect(reports.map((mail) => mail.subject)).toEqual([`Phishing report: ${domain} (impersonating Okta)`]);
      expect(reports[0]?.text).toContain('SMS lure sent to staff');

      // The monitor outlives the run; this test stops it, as a responder would once the domain is gone.
      const monitor = harness.client.workflow.getHandle(`takedown-monitor/${domain}`);
      expect(await monitor.query(takedownMonitorStatusQuery)).toMatchObject({ domain, outcome: 'monitoring' });
      await monitor.cancel();
      expect(await monitor.result()).toMatchObject({ domain, outcome: 'cancelled' });
    }
  });
});
