/**
 * `takedown.request`, `takedown.check`, `takedown.remind` and `takedown.escalate` through the activity boundary, against
 * the local DNS, RDAP, SMTP, site, Netcraft and Cloudflare stand-ins. No Temporal server is needed: the activities run
 * in a mock activity context, as the worker would run them.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ActionSpec } from '../../activities/action';
import { bindAction } from '../../activities';
import { asHandlerMap } from '../../activities/builtin-handlers';
import type { EscalationNotifier, TakedownEscalation } from '../../activities/takedown/escalation';
import { createTakedownHandlers } from '../../activities/takedown/handlers';
import {
  takedownCheck,
  takedownEscalate,
  takedownFindContacts,
  takedownRemind,
  takedownRequest,
} from '../../activities/takedown/specs';
import { EXAMPLE_REGISTRAR, oktapusDomain } from '../../stand-ins/rdap/oktapus';
import { REPORTER, startTakedownWorld, type TakedownWorld } from './takedown-world';

let world: TakedownWorld;
const escalations: TakedownEscalation[] = [];
const notifier: EscalationNotifier = {
  notify: async (escalation) => {
    escalations.push(escalation);
    return 'test:#secops';
  },
};

beforeAll(async () => {
  world = await startTakedownWorld();
});
afterAll(() => world.close());

/** Runs an action as the worker would, in the activity context of one step of one run. */
function activity(config = world.config) {
  const handlers = asHandlerMap(createTakedownHandlers({ config, notifier }));
  return async <I extends z.ZodObject, O extends z.ZodType>(
    spec: ActionSpec<string, I, O>,
    input: z.input<I>,
    step: { workflowId?: string; activityId?: string; attempt?: number } = {},
  ): Promise<z.output<O>> => {
    const handler = handlers[spec.name];
    if (!handler) throw new Error(`no handler for ${spec.name}`);
    const environment = new MockActivityEnvironment({
      workflowExecution: { workflowId: step.workflowId ?? 'run-1', runId: 'r' },
      activityId: step.activityId ?? 'takedown[0]',
      attempt: step.attempt ?? 1,
    });
    const output: unknown = await environment.run(bindAction(spec, handler), input);
    return spec.output.parse(output);
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(error)}`);
  return error;
}

describe('takedown.request', () => {
  it('e-mails the registrar and the host abuse contacts found through RDAP, with the evidence', async () => {
    world.addPhishingDomain('twilio-okta.com');
    const run = activity();
    const output = await run(takedownRequest, {
      domain: 'twilio-okta.com',
      providers: ['email'],
      impersonates: 'Okta',
      comment: 'SMS lure sent to 130 employees',
    });

    const [report] = world.smtp.messagesTo(EXAMPLE_REGISTRAR.abuseEmail);
    expect(world.smtp.messagesTo(EXAMPLE_REGISTRAR.abuseEmail)).toHaveLength(1);
    expect(report?.envelope.from).toBe(REPORTER.email);
    expect(report?.subject).toBe('Phishing report: twilio-okta.com (impersonating Okta)');
    expect(report?.headers['reply-to']).toContain(REPORTER.email);
    expect(report?.text).toContain('Please suspend the domain');
    expect(report?.text).toContain('SMS lure sent to 130 employees');
    for (const evidence of ['127.0.0.1', 'ns1.bulletproof.example', 'Okta Sign In']) {
      expect(report?.text).toContain(evidence);
    }
    expect(report?.text).toMatch(/HTTP status +200/);
    for (const evidence of ['Example Registrar, Inc.', '9999', '2022-07-28T14:02:11Z', 'EXAMPLE-HOSTING-NET']) {
      expect(report?.text).toContain(evidence);
    }
    const attached = JSON.parse(report?.attachments.find((file) => file.filename === 'evidence.json')?.content ?? '{}');
    expect(attached).toMatchObject({
      domain: 'twilio-okta.com',
      dns: { status: 'ok', a: { records: ['127.0.0.1'] }, mx: { records: ['10 mx.twilio-okta.com'] } },
      http: { answered: true, status: 200, title: 'Okta Sign In' },
      registration: { registrar: 'Example Registrar, Inc.', registeredAt: '2022-07-28T14:02:11Z' },
    });

    const [hostReport] = world.smtp.messagesTo('abuse@hosting.example');
    expect(hostReport?.text).toContain('Please remove the phishing content');
    expect(output.reportedTo).toEqual([
      { provider: 'email', to: EXAMPLE_REGISTRAR.abuseEmail },
      { provider: 'email', to: 'abuse@hosting.example' },
    ]);
    expect(output.reports.map((outcome) => outcome.status)).toEqual(['sent', 'sent']);
    expect(world.site.requests).toContain('twilio-okta.com /');
  });

  it('sends nothing for a second request of the same domain, from another run, and says when it was reported', async () => {
    world.addPhishingDomain('twilio-sso.com');
    const run = activity();
    const first = await run(takedownRequest, { domain: 'twilio-sso.com', providers: ['email'] });
    const count = world.smtp.messages.length;
    const second = await run(
      takedownRequest,
      { domain: 'TWILIO-SSO.COM', providers: ['email'] },
      { workflowId: 'run-2' },
    );
    expect(world.smtp.messages).toHaveLength(count);
    expect(second.reports.map((outcome) => outcome.status)).toEqual(['already_reported', 'already_reported']);
    expect(second.reportedAt).toBe(first.reportedAt);
    expect(second.reports[0]?.reference).toMatch(/^<[0-9a-f]{32}@acme\.example>$/);
  });

  it('fails without retry, naming the domain, when RDAP lists no abuse contact', async () => {
    world.rdap.addDomain({
      name: 'sendgrid-okta.org',
      registrar: { name: 'Quiet Registrar LLC' },
      registeredAt: '2022-07-30T00:00:00Z',
    });
    const count = world.smtp.messages.length;
    const failure = await failureOf(activity()(takedownRequest, { domain: 'sendgrid-okta.org', providers: ['email'] }));
    expect(failure.type).toBe('NotFound');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('takedown.request failed for sendgrid-okta.org: no abuse contact in RDAP');
    expect(failure.message).toContain('Quiet Registrar LLC');
    expect(world.smtp.messages).toHaveLength(count);
  });

  it('fails without retry when the domain is not in RDAP at all', async () => {
    const failure = await failureOf(activity()(takedownRequest, { domain: 'never-registered.com' }));
    expect(failure).toMatchObject({ type: 'NotFound', nonRetryable: true });
    expect(failure.message).toContain('never-registered.com is not in RDAP');
  });

  it('fails with a retryable failure while RDAP is down', async () => {
    world.addPhishingDomain('okta-rdap-outage.com');
    world.rdap.failNext(10);
    const failure = await failureOf(
      activity()(takedownRequest, { domain: 'okta-rdap-outage.com', providers: ['email'] }),
    );
    world.rdap.failNext(0);
    expect(failure).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    expect(failure.message).toContain('503');
  });

  it('reaches the recipient exactly once when a temporary SMTP failure makes the step retry', async () => {
    world.addPhishingDomain('okta-smtp-retry.com');
    const run = activity();
    world.smtp.failNext(1);
    const before = world.smtp.messagesTo(EXAMPLE_REGISTRAR.abuseEmail).length;
    const failure = await failureOf(run(takedownRequest, { domain: 'okta-smtp-retry.com', providers: ['email'] }));
    expect(failure).toMatchObject({ type: 'Unavailable', nonRetryable: false });
    await run(takedownRequest, { domain: 'okta-smtp-retry.com', providers: ['email'] }, { attempt: 2 });
    const received = world.smtp.messagesTo(EXAMPLE_REGISTRAR.abuseEmail).slice(before);
    expect(received.map((mail) => mail.subject)).toEqual(['Phishing report: okta-smtp-retry.com']);
  });

  it("reports to Netcraft's and Cloudflare's APIs in their request shapes", async () => {
    world.addPhishingDomain('okta-sso-login.test');
    const output = await activity()(takedownRequest, {
      domain: 'okta-sso-login.test',
      providers: ['netcraft', 'cloudflare'],
    });
    const siteUrl = `http://okta-sso-login.test:${world.site.port}/`;
    expect(world.netcraft.reports.at(-1)?.fields).toMatchObject({
      attack: siteUrl,
      type: 'phishing_url',
      suspected_fraudulent_domain: 'true',
    });
    expect(world.netcraft.reports.at(-1)?.fields.comment).toContain(
      'okta-sso-login.test hosts a credential-phishing site',
    );
    expect(world.cloudflare.reports.at(-1)).toMatchObject({
      reportType: 'abuse_phishing',
      body: {
        act: 'abuse_phishing',
        email: REPORTER.email,
        email2: REPORTER.email,
        name: REPORTER.name,
        urls: siteUrl,
      },
    });
    expect(output.reports).toEqual([
      expect.objectContaining({
        provider: 'netcraft',
        status: 'sent',
        reference: world.netcraft.reports.at(-1)?.takedownId,
      }),
      expect.objectContaining({
        provider: 'cloudflare',
        status: 'sent',
        reference: world.cloudflare.reports.at(-1)?.id,
      }),
    ]);
  });
});

describe('takedown.check', () => {
  it('sees the DNS stand-in flip to NXDOMAIN and to SERVFAIL, and back', async () => {
    world.addPhishingDomain('okta-flip.com');
    const run = activity();
    const check = () => run(takedownCheck, { domain: 'okta-flip.com' });

    expect(await check()).toMatchObject({
      up: true,
      dns: { status: 'ok', addresses: ['127.0.0.1'] },
      http: { answered: true, status: 200, title: 'Okta Sign In' },
    });
    world.dns.setMode('okta-flip.com', 'nxdomain');
    expect(await check()).toMatchObject({
      up: false,
      dns: { status: 'nxdomain', addresses: [] },
      http: { answered: false },
    });
    world.dns.setMode('okta-flip.com', 'servfail');
    expect(await check()).toMatchObject({ up: false, dns: { status: 'servfail' } });
    world.dns.setMode('okta-flip.com', 'answer');
    expect((await check()).up).toBe(true);
  });

  it('counts a site that answers 404 after the host removed the content as not up', async () => {
    world.addPhishingDomain('okta-removed.com');
    world.site.setPage('okta-removed.com', { status: 404, title: 'Not Found' });
    expect(await activity()(takedownCheck, { domain: 'okta-removed.com' })).toMatchObject({
      up: false,
      dns: { status: 'ok' },
      http: { answered: true, status: 404 },
    });
  });
});

describe('recipients found before the approval', () => {
  it('find_contacts names the recipients; request with them reports to nobody else, skipping one RDAP dropped', async () => {
    world.addPhishingDomain('okta-bound.com');
    const run = activity();
    const found = await run(takedownFindContacts, { domain: 'okta-bound.com', providers: ['email', 'netcraft'] });
    const netcraft = { provider: 'netcraft', to: new URL(world.netcraft.url).host };
    expect(found).toMatchObject({
      domain: 'okta-bound.com',
      registrar: EXAMPLE_REGISTRAR.name,
      problems: [],
      recipients: [
        { provider: 'email', to: EXAMPLE_REGISTRAR.abuseEmail },
        { provider: 'email', to: 'abuse@hosting.example' },
        netcraft,
      ],
    });
    expect(world.smtp.messages.filter((mail) => mail.subject.includes('okta-bound.com'))).toEqual([]);

    // After the approval, RDAP names another registrar abuse desk: it was not approved.
    world.rdap.addDomain(
      oktapusDomain('okta-bound.com', { registrar: { ...EXAMPLE_REGISTRAR, abuseEmail: 'abuse@other.example' } }),
    );
    const output = await run(takedownRequest, { domain: 'okta-bound.com', recipients: found.recipients });
    expect(output.reports.map((report) => [report.to, report.status])).toEqual([
      ['abuse@hosting.example', 'sent'],
      [netcraft.to, 'sent'],
      [EXAMPLE_REGISTRAR.abuseEmail, 'skipped'],
    ]);
    expect(output.reports[2]?.note).toContain('no longer a recipient');
    expect(world.smtp.messagesTo('abuse@other.example')).toEqual([]);
    expect(world.smtp.messagesTo(EXAMPLE_REGISTRAR.abuseEmail).filter((m) => m.subject.includes('okta-bound'))).toEqual(
      [],
    );
  });

  it('find_contacts reports a domain with nobody to write to as a problem, not a failure', async () => {
    world.addPhishingDomain('okta-nobody.com', { registrar: { name: 'Quiet Registrar LLC' } });
    world.dns.set('okta-nobody.com', {});
    const found = await activity()(takedownFindContacts, { domain: 'okta-nobody.com', providers: ['email'] });
    expect(found.recipients).toEqual([]);
    expect(found.problems[0]).toContain('no abuse contact in RDAP');
  });

  it('names the incident, the requester and the approvers in every report', async () => {
    world.addPhishingDomain('okta-named.com');
    const handlers = asHandlerMap(
      createTakedownHandlers({ config: world.config, notifier, approvers: async () => ['bob', 'carol'] }),
    );
    const handler = handlers[takedownRequest.name];
    if (!handler) throw new Error('no handler');
    const environment = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'run-named', runId: 'r' },
      activityId: 'takedown[0]',
    });
    await environment.run(bindAction(takedownRequest, handler), {
      domain: 'okta-named.com',
      providers: ['email', 'netcraft'],
      incidentId: 'INC-2022-0804',
      requestedBy: 'alice@acme.example',
    });
    const [mail] = world.smtp.messagesTo('abuse@hosting.example').filter((m) => m.subject.includes('okta-named.com'));
    expect(mail?.text).toMatch(/Incident +INC-2022-0804/);
    expect(mail?.text).toMatch(/Requested by +alice@acme\.example/);
    expect(mail?.text).toMatch(/Approved by +bob, carol/);
    const netcraftReport = world.netcraft.reports.find((report) => report.fields.attack?.includes('okta-named.com'));
    expect(JSON.stringify(netcraftReport?.fields)).toContain('INC-2022-0804');
  });
});

describe('takedown.check verdicts', () => {
  it('calls a domain that resolves only to a private address blocked, not down, and does not fetch it', async () => {
    world.dns.set('okta-private.com', { A: ['10.0.0.5'] });
    const production = { ...world.config, site: { ...world.config.site, allowPrivateAddresses: false } };
    expect(await activity(production)(takedownCheck, { domain: 'okta-private.com' })).toMatchObject({
      up: false,
      verdict: 'blocked',
      dns: { status: 'ok', addresses: ['10.0.0.5'] },
      http: { answered: false, error: 'not fetched: 10.0.0.5 is a private address' },
    });
  });

  it('says up, gone or resolves for a site that answers, a name that no longer resolves and a removed page', async () => {
    world.addPhishingDomain('okta-verdicts.com');
    const check = () => activity()(takedownCheck, { domain: 'okta-verdicts.com' });
    expect((await check()).verdict).toBe('up');
    world.site.setPage('okta-verdicts.com', { status: 404, title: 'Not Found' });
    expect((await check()).verdict).toBe('resolves');
    world.dns.setMode('okta-verdicts.com', 'nxdomain');
    expect((await check()).verdict).toBe('gone');
  });
});

describe('follow-ups', () => {
  it('remind the abuse contacts once per reminder number, in reply to the report', async () => {
    world.addPhishingDomain('okta-remind.com');
    const run = activity();
    const request = await run(takedownRequest, {
      domain: 'okta-remind.com',
      providers: ['email'],
    });
    const [original] = world.smtp
      .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
      .filter((mail) => mail.subject.includes('okta-remind.com'));
    const remind = {
      domain: 'okta-remind.com',
      reportedAt: request.reportedAt,
      reportedTo: request.reportedTo,
      reminder: 1,
    };
    await run(takedownRemind, { ...remind, lastCheck: 'resolves to 127.0.0.1, HTTP 200' }, { workflowId: 'monitor' });
    await run(takedownRemind, remind, { workflowId: 'monitor', activityId: 'again' });

    const reminders = world.smtp
      .messagesTo(EXAMPLE_REGISTRAR.abuseEmail)
      .filter((mail) => mail.subject.startsWith('Reminder'));
    expect(reminders.map((mail) => mail.subject)).toEqual(['Reminder 1: phishing domain okta-remind.com is still up']);
    expect(reminders[0]?.headers['in-reply-to']).toBe(original?.messageId);
    expect(reminders[0]?.text).toContain('Our last check: resolves to 127.0.0.1, HTTP 200');
  });

  it('escalate to the next configured provider not yet used, and tell the responders', async () => {
    world.addPhishingDomain('okta-escalate.test');
    const run = activity();
    const request = await run(takedownRequest, {
      domain: 'okta-escalate.test',
      providers: ['email'],
    });
    const output = await run(takedownEscalate, {
      domain: 'okta-escalate.test',
      reportedAt: request.reportedAt,
      reportedTo: request.reportedTo,
      level: 1,
      reason: 'still up after 4h',
    });
    expect(output).toMatchObject({
      reportedTo: [{ provider: 'netcraft', to: new URL(world.netcraft.url).host }],
      notifiedVia: 'test:#secops',
    });
    expect(world.netcraft.reports.at(-1)?.fields.attack).toBe(`http://okta-escalate.test:${world.site.port}/`);
    expect(escalations.at(-1)).toMatchObject({ domain: 'okta-escalate.test', level: 1, reason: 'still up after 4h' });
  });
});
