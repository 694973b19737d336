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
import { approveWhenAsked, decide } from '../support/people';
import { EXAMPLE_REGISTRAR, oktapusDomain } from '../../stand-ins/rdap/oktapus';
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
    const { handle, workflowId } = await harness.start(
      plan,
      { domains, comment: 'SMS lure sent to staff' },
      { incidentId: 'INC-18' },
    );

    const approval = await pendingApproval(handle, 'takedown');
    expect(world.smtp.messages).toHaveLength(0);
    const recipients = [
      { provider: 'email', to: EXAMPLE_REGISTRAR.abuseEmail },
      { provider: 'email', to: 'abuse@hosting.example' },
    ];
    // The approvers see, and the hash binds, who gets each report.
    expect(approval.shown).toMatchObject({
      domains,
      recipients: domains.map((domain) => `${domain} → ${EXAMPLE_REGISTRAR.abuseEmail}, abuse@hosting.example`),
      notReported: [],
    });
    expect(approval.input).toMatchObject(domains.map((domain) => ({ domain, recipients, incidentId: 'INC-18' })));
    // RDAP names a new registrar abuse desk after the approval was requested: it was not approved, so it gets nothing.
    world.rdap.addDomain(
      oktapusDomain(domains[0]!, { registrar: { ...EXAMPLE_REGISTRAR, abuseEmail: 'abuse@new-registrar.example' } }),
    );
    await decide(harness.client, workflowId, { stepId: 'takedown', decision: 'approve', approver: 'alice' });

    const result = await handle.result();
    expect(result.steps.map((step) => [step.id, step.status])).toEqual([
      ['check', 'succeeded'],
      ['contacts', 'succeeded'],
      ['takedown', 'succeeded'],
      ['monitor', 'succeeded'],
      ['block', 'skipped'],
    ]);
    for (const domain of domains) {
      const reports = world.smtp
        .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
        .filter((mail) => mail.subject.includes(domain));
      if (domain === domains[0]) {
        expect(reports).toEqual([]);
        expect(world.smtp.messagesTo('abuse@new-registrar.example')).toEqual([]);
      } else {
        expect(reports.map((mail) => mail.subject)).toEqual([`Phishing report: ${domain} (impersonating Okta)`]);
      }
      const [hostReport] = world.smtp
        .messagesTo('abuse@hosting.example')
        .filter((mail) => mail.subject.includes(domain));
      expect(hostReport?.text).toContain('SMS lure sent to staff');
      // Abuse desks ask whom to talk to: the incident, who asked and who approved.
      expect(hostReport?.text).toMatch(/Incident +INC-18/);
      expect(hostReport?.text).toMatch(/Requested by +\S+/);
      expect(hostReport?.text).toMatch(/Approved by +alice/);

      // The monitor outlives the run; this test stops it, as a responder would once the domain is gone.
      const monitor = harness.client.workflow.getHandle(`takedown-monitor/${domain}`);
      expect(await monitor.query(takedownMonitorStatusQuery)).toMatchObject({ domain, outcome: 'monitoring' });
      await monitor.cancel();
      expect(await monitor.result()).toMatchObject({ domain, outcome: 'cancelled' });
    }
  });

  it('passes the providers of a second run to the monitor it joins', async () => {
    const domain = 'okta-joined.com';
    world.addPhishingDomain(domain);
    const plan = harness.plan(readFileSync(PLAYBOOK, 'utf8'), PLAYBOOK);
    const runWith = async (providers: string[]) => {
      const { handle } = await harness.start(plan, { domains: [domain], providers });
      await approveWhenAsked(harness.client, handle, 'takedown', 'alice');
      return handle.result();
    };
    const monitor = harness.client.workflow.getHandle(`takedown-monitor/${domain}`);
    await runWith(['email']);
    expect((await monitor.query(takedownMonitorStatusQuery)).reportedTo.map((target) => target.provider)).toEqual([
      'email',
      'email',
    ]);

    const second = await runWith(['email', 'cloudflare']);
    expect(second.steps.find((step) => step.id === 'monitor')?.output).toEqual([
      expect.objectContaining({ joined: true }),
    ]);
    expect(world.cloudflare.reports.some((report) => JSON.stringify(report).includes(domain))).toBe(true);
    const status = await monitor.query(takedownMonitorStatusQuery);
    expect(status.reportedTo).toEqual([
      { provider: 'email', to: EXAMPLE_REGISTRAR.abuseEmail },
      { provider: 'email', to: 'abuse@hosting.example' },
      { provider: 'cloudflare', to: new URL(world.cloudflare.url).host },
    ]);
    await monitor.cancel();
    await monitor.result();
  });
});
