/**
 * Detection events as the receiver sees them, whatever sent them: an Okta System Log event from an event hook
 * delivery, or a JSON object from a signed webhook. Each gets a stable id for de-duplication (Okta's `uuid`, the
 * webhook event's own id, else a hash of its content) and a type for log lines.
 */
import { z } from 'zod';
import { canonicalJson, hashValue } from '../dsl/canonical-json';
import { OKTA_SOURCE } from '../config/hooks';
import { peopleNamedIn } from '../workflows/named-people';

export interface DetectionEvent {
  /** `okta`, or the webhook source name. */
  source: string;
  /** Unique per event; a redelivery has the same id. */
  id: string;
  /** The event type, when the event names one (for logs and summaries). */
  type?: string;
  /** When the sender says the event happened (Okta's `published`, ISO 8601): events outside a window are refused. */
  published?: string;
  /** The event as given: `event` in trigger expressions. */
  payload: Record<string, unknown>;
}

/** Thrown when a body is JSON but not a delivery this route accepts; answered with 400. */
export class EventFormatError extends Error {
  override readonly name = 'EventFormatError';
}

const eventObject = z.record(z.string(), z.unknown());
const oktaEvent = z.looseObject({
  uuid: z.string().min(1).max(200),
  eventType: z.string().min(1),
  // Okta sets it on every System Log event; without it an event's age is unknown, so it could not be refused as stale.
  published: z.iso.datetime({ offset: true }),
});
const oktaDelivery = z.looseObject({ data: z.looseObject({ events: z.array(z.unknown()) }) });
const webhookBatch = z.looseObject({ events: z.array(z.unknown()) });

function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}

function oktaEventFrom(raw: unknown, index: number): DetectionEvent {
  const parsed = oktaEvent.safeParse(raw);
  if (!parsed.success)
    throw new EventFormatError(`data.events[${index}] is not an Okta event: ${firstProblem(parsed.error)}`);
  const { uuid, eventType, published } = parsed.data;
  return { source: OKTA_SOURCE, id: uuid, type: eventType, published, payload: parsed.data };
}

/** The events of an Okta event hook delivery (`{"data": {"events": [...]}}`). */
export function oktaDeliveryEvents(body: unknown): DetectionEvent[] {
  const parsed = oktaDelivery.safeParse(body);
  if (!parsed.success) throw new EventFormatError(`not an Okta event hook delivery: ${firstProblem(parsed.error)}`);
  return parsed.data.data.events.map(oktaEventFrom);
}

/** A saved Okta delivery or a single System Log event (what `cordon detections test okta FILE` reads). */
export function oktaEventsFromFile(body: unknown): DetectionEvent[] {
  if (oktaDelivery.safeParse(body).success) return oktaDeliveryEvents(body);
  return [oktaEventFrom(body, 0)];
}

const ID_FIELDS = ['id', 'eventId', 'event_id', 'uuid'] as const;
const TYPE_FIELDS = ['eventType', 'event_type', 'type'] as const;

function textField(payload: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = payload[name];
    if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

function webhookEventFrom(source: string, raw: unknown, where: string): DetectionEvent {
  const parsed = eventObject.safeParse(raw);
  if (!parsed.success) throw new EventFormatError(`${where} is not a JSON object`);
  const payload = parsed.data;
  const type = textField(payload, TYPE_FIELDS);
  // Without an id of its own, identical content is the same event: a resent alert is recognised as a redelivery.
  const id = textField(payload, ID_FIELDS) ?? `sha256:${hashValue(payload).slice(0, 32)}`;
  return { source, id, ...(type !== undefined ? { type } : {}), payload };
}

/** The events of a signed webhook body: one event (a JSON object), or `{"events": [...]}`. */
export function webhookEvents(source: string, body: unknown): DetectionEvent[] {
  const batch = webhookBatch.safeParse(body);
  if (batch.success) return batch.data.events.map((raw, index) => webhookEventFrom(source, raw, `events[${index}]`));
  return [webhookEventFrom(source, body, 'the body')];
}

/** The events in a saved file for a source: Okta's formats for `okta`, the webhook format for any other source. */
export function eventsFromFile(source: string, body: unknown): DetectionEvent[] {
  return source === OKTA_SOURCE ? oktaEventsFromFile(body) : webhookEvents(source, body);
}

const ALERT_DATA_LIMIT = 16 * 1024;

/**
 * What a run records about an event: the event itself when it is small, so histories stay well under their limits.
 * A large one keeps its actor and targets: the people it names never decide on the run (see workflows/named-people.ts).
 */
export function alertData(event: DetectionEvent): unknown {
  const size = canonicalJson(event.payload).length;
  if (size <= ALERT_DATA_LIMIT) return event.payload;
  const named =
    peopleNamedIn(event.payload).length > 0 ? { actor: event.payload.actor, target: event.payload.target } : {};
  const kept = canonicalJson(named).length <= ALERT_DATA_LIMIT ? named : {};
  return { omitted: `event of ${size} characters is too large to record`, ...kept };
}

/** One line about an event for humans: Okta's display message, else the type. */
export function eventSummary(event: DetectionEvent): string {
  const message = textField(event.payload, ['displayMessage', 'summary', 'title', 'message']);
  const what = [event.type, message].filter(Boolean).join(': ') || 'event';
  return `${event.source} ${what} (${event.id})`;
}
