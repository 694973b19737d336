import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../activities/registry';
import { compilePlaybookSource } from '../../dsl';
import {
  eventsFromFile,
  oktaDeliveryEvents,
  webhookEvents,
  type DetectionEvent,
} from '../../detections/detection-event';
import { loadPlaybookDir } from '../../detections/load-plans';
import { matchEvent } from '../../detections/trigger-matcher';
import { testActions } from '../support/test-actions';

const registry = builtinRegistry.with([...testActions]);
const { plans } = await loadPlaybookDir('test/fixtures/detections/playbooks', registry);
const indicators = { ips: ['203.0.113.66'], domains: ['twilio-okta.com'] };
const delivery: unknown = JSON.parse(readFileSync('test/fixtures/detections/okta-delivery.json', 'utf8'));

function siem(payload: Record<string, unknown>): DetectionEvent {
  const [event] = webhookEvents('siem', payload);
  if (!event) throw new Error('no event');
  return event;
}

describe('trigger matching', () => {
  it('starts the account playbook for a login from a listed address, with inputs taken from the event', () => {
    const [alice] = oktaDeliveryEvents(delivery);
    const result = matchEvent(plans, alice!, indicators);
    expect(result.refusals).toEqual([]);
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({
      plan: { id: 'contain-flagged-account' },
      trigger: 0,
      inputs: { login: 'alice@example.com', ip: '203.0.113.66' },
      dedupeKey: { value: 'alice@example.com', segment: 'alice@example.com' },
      workflowId: 'cordon/contain-flagged-account/alice@example.com',
    });
  });

  it('matches nothing for a login from an address that is not an indicator, or for another event type', () => {
    const [, bob, carol] = oktaDeliveryEvents(delivery);
    expect(matchEvent(plans, bob!, indicators)).toEqual({ matches: [], refusals: [], errors: [] });
    expect(matchEvent(plans, carol!, indicators).matches).toEqual([]);
  });

  it('listens only to the source a trigger names', () => {
    const [alice] = oktaDeliveryEvents(delivery);
    const sameEventFromSiem: DetectionEvent = { ...alice!, source: 'siem' };
    expect(matchEvent(plans, sameEventFromSiem, indicators).matches).toEqual([]);
  });

  it('refuses a matching event whose derived inputs do not validate, naming the input', () => {
    const result = matchEvent(
      plans,
      siem({ id: 'a1', type: 'impossible_travel', severity: 'high', user: 'not-an-email' }),
      indicators,
    );
    expect(result.matches).toEqual([]);
    expect(result.refusals).toHaveLength(1);
    expect(result.refusals[0]?.plan.id).toBe('contain-flagged-account');
    expect(result.refusals[0]?.problems.join('\n')).toMatch(/input "login": "not-an-email" is not an e-mail address/);
  });

  it('refuses a matching event when an input template cannot be evaluated on it', () => {
    const result = matchEvent(plans, siem({ id: 'a2', type: 'impossible_travel', severity: 'critical' }), indicators);
    expect(result.refusals[0]?.problems.join('\n')).toMatch(/input "login"/);
  });

  it('counts a condition that cannot be evaluated on an event as no match, and reports why', () => {
    const result = matchEvent(plans, siem({ id: 'a3', type: 'impossible_travel' }), indicators);
    expect(result.matches).toEqual([]);
    expect(result.errors[0]?.reason).toMatch(/severity/);
  });

  it('derives the dedupe key from the event when the trigger says so', () => {
    const result = matchEvent(plans, siem({ type: 'phishing_url', domain: 'TWILIO-okta.com' }), indicators);
    expect(result.matches).toHaveLength(0);
    const listed = matchEvent(plans, siem({ type: 'phishing_url', domain: 'twilio-okta.com' }), indicators);
    expect(listed.matches[0]).toMatchObject({
      inputs: { domain: 'twilio-okta.com' },
      dedupeKey: { value: 'twilio-okta.com', segment: 'twilio-okta.com' },
      workflowId: 'cordon/block-phishing-domain/twilio-okta.com',
    });
  });

  it('never evaluates text from an event as a template when it becomes the dedupe key', () => {
    const yaml = `
id: by-title
title: By title
inputs: { login: { type: email } }
triggers:
  - detection: siem
    when: "true"
    inputs: { login: "\${{ event.user }}" }
    dedupe: "\${{ event.title }}"
steps:
  - { id: mark, action: test.mark, with: { target: x } }
`;
    const plan = compilePlaybookSource(yaml, 'by-title.yaml', registry);
    const result = matchEvent(
      [plan],
      siem({ user: 'a@example.com', title: 'Alert ${{ inputs.login }} / x' }),
      indicators,
    );
    expect(result.matches[0]?.dedupeKey.value).toBe('Alert ${{ inputs.login }} / x');
    expect(result.matches[0]?.workflowId).toMatch(/^cordon\/by-title\/alert_inputs\.login_x~[0-9a-f]{16}$/);
    const long = matchEvent([plan], siem({ user: 'a@example.com', title: 'y'.repeat(5000) }), indicators);
    expect(long.matches[0]?.dedupeKey.segment.length).toBe(200);
  });

  it('starts each playbook at most once per event, by its first trigger that holds', () => {
    const yaml = `
id: twice
title: Two triggers
inputs: { login: { type: email } }
triggers:
  - { detection: siem, when: "true", inputs: { login: "first@example.com" } }
  - { detection: siem, when: "true", inputs: { login: "second@example.com" } }
steps:
  - { id: mark, action: test.mark, with: { target: x } }
`;
    const plan = compilePlaybookSource(yaml, 'twice.yaml', registry);
    const result = matchEvent([plan], siem({ id: 'e' }), indicators);
    expect(result.matches.map((match) => match.inputs)).toEqual([{ login: 'first@example.com' }]);
  });
});

describe('detection events', () => {
  it('takes Okta event ids from uuid and webhook ids from the event, else from a hash of its content', () => {
    expect(oktaDeliveryEvents(delivery).map((event) => [event.id, event.type])).toEqual([
      ['4f2f9a58-1b2c-11ed-9b6a-0242ac120002', 'user.session.start'],
      ['5a3c1e02-1b2c-11ed-9b6a-0242ac120002', 'user.session.start'],
      ['6b4d2f13-1b2c-11ed-9b6a-0242ac120002', 'user.account.update_password'],
    ]);
    expect(siem({ id: 'alert-7', type: 't' })).toMatchObject({ id: 'alert-7', type: 't' });
    const a = siem({ b: 1, a: 2 });
    const b = siem({ a: 2, b: 1 });
    expect(a.id).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(b.id).toBe(a.id);
  });

  it('reads a webhook body as one event or as {events: [...]}', () => {
    expect(webhookEvents('siem', { events: [{ id: '1' }, { id: '2' }] }).map((event) => event.id)).toEqual(['1', '2']);
    expect(() => webhookEvents('siem', [1, 2])).toThrow(/not a JSON object/);
    expect(() => webhookEvents('siem', { events: [1] })).toThrow(/events\[0\] is not a JSON object/);
  });

  it('refuses an Okta body without data.events, or an event without uuid or a published date-time', () => {
    expect(() => oktaDeliveryEvents({ events: [] })).toThrow(/not an Okta event hook delivery: data/);
    expect(() => oktaDeliveryEvents({ data: { events: [{ eventType: 'x' }] } })).toThrow(/data.events\[0\].*uuid/);
    // Without `published` an event's age is unknown, so it could not be refused as stale.
    expect(() => oktaDeliveryEvents({ data: { events: [{ uuid: 'u', eventType: 'x' }] } })).toThrow(
      /data.events\[0\] is not an Okta event: published/,
    );
    expect(() =>
      oktaDeliveryEvents({ data: { events: [{ uuid: 'u', eventType: 'x', published: 'yesterday' }] } }),
    ).toThrow(/data.events\[0\] is not an Okta event: published/);
  });

  it('reads a saved Okta file as a whole delivery or as one event', () => {
    const single = (delivery as { data: { events: unknown[] } }).data.events[0];
    expect(eventsFromFile('okta', delivery)).toHaveLength(3);
    expect(eventsFromFile('okta', single).map((event) => event.id)).toEqual(['4f2f9a58-1b2c-11ed-9b6a-0242ac120002']);
  });
});
