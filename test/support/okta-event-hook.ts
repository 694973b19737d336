/**
 * Okta event hook deliveries as Okta sends them: a System Log event of a sign-in and the envelope around a list of
 * events. Shared by the receiver's tests, the hostile-request faults and the hook-to-write bench, so that all three
 * speak the same wire format.
 */

/** The sign-in address of the events below unless a test says otherwise: listed in the tests' indicators. */
export const ATTACKER_IP = '203.0.113.66';

/** A `user.session.start` System Log event (or another `eventType`) about `login`. */
export function oktaEvent(options: {
  uuid: string;
  login: string;
  ip?: string;
  eventType?: string;
  /** When Okta says the event happened. @default now */
  published?: Date;
}): unknown {
  return {
    uuid: options.uuid,
    published: (options.published ?? new Date()).toISOString(),
    eventType: options.eventType ?? 'user.session.start',
    version: '0',
    displayMessage: 'User login to Okta',
    severity: 'INFO',
    actor: { id: `00u-${options.login}`, type: 'User', alternateId: options.login },
    client: { ipAddress: options.ip ?? ATTACKER_IP },
    outcome: { result: 'SUCCESS' },
    target: [],
  };
}

/** The body of one POST of an Okta event hook carrying `events`. */
export function oktaDelivery(events: unknown[]): string {
  return JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://acme.okta.example/api/v1/eventHooks/who-test',
    eventId: crypto.randomUUID(),
    data: { events },
  });
}
