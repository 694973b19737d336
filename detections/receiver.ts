/**
 * What happens to the events of an authenticated delivery, whichever route it came by: each is checked for freshness
 * (an event published outside the window is refused), matched against the playbooks' triggers, de-duplicated by its
 * id, and starts or joins its runs. The answer waits for the starts up to a
 * deadline (Okta gives up after 3 s), so a sender learns of a failure (503) and delivers again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HooksConfig } from '../config/hooks';
import type { Plan } from '../dsl/plan';
import type { DetectionEvent } from './detection-event';
import type { EventDedupe } from './event-dedupe';
import { stalenessOf } from './event-freshness';
import type { HookLog } from './log';
import { askGovernor } from '../runs/governor';
import type { AcquireAnswer, WindowLimit } from '../workflows/governor-state';
import { startOrJoin, type StartOutcome, type StarterDeps } from './starter';
import { matchEvent, type TriggerMatch } from './trigger-matcher';
import { errorMessage } from '../activities/error-message';

export interface ReceiverDeps extends StarterDeps {
  plans: readonly Plan[];
  config: HooksConfig;
  dedupe: EventDedupe;
  log: HookLog;
  /** The clock events' `published` times are compared with. */
  now: () => number;
  /** Events per source that may start runs per window, counted by the task queue's governor; none when absent. */
  detectionRate?: WindowLimit;
}

export interface RunReference {
  eventId: string;
  playbook: string;
  workflowId: string;
  started: boolean;
}

export interface Refusal {
  eventId: string;
  playbook: string;
  problems: string[];
}

/** An event refused for its age, before any matching. */
export interface StaleEvent {
  eventId: string;
  /** As the sender gave it. */
  published: string;
  reason: string;
}

/** The answer to a delivery. */
export interface DeliveryResult {
  /** Events in the delivery. */
  received: number;
  /** Events that matched a trigger with valid inputs (duplicates included), once per playbook. */
  matched: number;
  /** Events already accepted earlier (same id), not processed again. */
  duplicates: number;
  runs: RunReference[];
  refused: Refusal[];
  /** Events published outside the freshness window: neither matched nor remembered. */
  stale: StaleEvent[];
  /** Starts still under way when the deadline came; they finish in the background. */
  pending: number;
  /** Starts that failed; the sender should deliver again. */
  failed: number;
  /** Events over their source's rate (`CORDON_DETECTION_RATE`): they started nothing. */
  limited: LimitedEvent[];
}

/** An event that matched but started nothing, because its source sent more than its rate allows. */
export interface LimitedEvent {
  eventId: string;
  reason: string;
}

export interface Delivery {
  status: number;
  body: DeliveryResult;
}

/** Starts one match, logging the outcome; a failure releases the event's id so that a redelivery is processed. */
async function start(
  deps: ReceiverDeps,
  match: TriggerMatch,
  event: DetectionEvent,
  claim: string,
): Promise<StartOutcome | undefined> {
  const fields = { source: event.source, eventId: event.id, eventType: event.type, playbook: match.plan.id };
  try {
    const outcome = await startOrJoin(deps, match, event);
    deps.log({
      level: 'info',
      msg: outcome.started ? 'run started' : 'run joined',
      ...fields,
      workflowId: outcome.workflowId,
    });
    return outcome;
  } catch (error) {
    deps.dedupe.release(claim);
    deps.log({
      level: 'error',
      msg: 'run start failed',
      ...fields,
      error: errorMessage(error),
    });
    return undefined;
  }
}

/**
 * Whether the event may start runs under its source's rate; the governor counts it (once per event id). Throws when
 * the governor cannot be asked: the start then fails, and the sender delivers again.
 */
async function admit(deps: ReceiverDeps, event: DetectionEvent): Promise<AcquireAnswer> {
  if (!deps.detectionRate) return { granted: true };
  return askGovernor(deps.client, deps.taskQueue, {
    key: `detection/${event.source}/${event.id}`,
    workflowId: `detections:${event.source}`,
    checks: [{ kind: 'rate', limit: `detections:${event.source}`, configured: deps.detectionRate }],
  });
}

/** Admits the event under its source's rate, then starts its matches; says why when it starts nothing. */
async function admitAndStart(
  deps: ReceiverDeps,
  event: DetectionEvent,
  matches: readonly TriggerMatch[],
  claim: string,
  body: DeliveryResult,
): Promise<void> {
  const fields = { source: event.source, eventId: event.id, eventType: event.type };
  let answer: AcquireAnswer;
  try {
    answer = await admit(deps, event);
  } catch (error) {
    deps.dedupe.release(claim);
    body.failed += matches.length;
    const reason = errorMessage(error);
    deps.log({ level: 'error', msg: 'run start failed', ...fields, error: `cannot ask the governor: ${reason}` });
    return;
  }
  if (!answer.granted) {
    // Released: once the window frees, a redelivery of this event is processed.
    deps.dedupe.release(claim);
    const reason = `source ${event.source} is over its detection rate (${answer.description}); started nothing`;
    body.limited.push({ eventId: event.id, reason });
    deps.log({ level: 'warn', msg: 'event over the detection rate', ...fields, reason });
    return;
  }
  await Promise.all(
    matches.map((match) =>
      start(deps, match, event, claim).then((outcome) => {
        if (outcome) body.runs.push({ eventId: event.id, playbook: match.plan.id, ...outcome });
        else body.failed++;
      }),
    ),
  );
}

export async function receiveEvents(deps: ReceiverDeps, events: readonly DetectionEvent[]): Promise<Delivery> {
  const body: DeliveryResult = {
    received: events.length,
    matched: 0,
    duplicates: 0,
    runs: [],
    refused: [],
    stale: [],
    pending: 0,
    failed: 0,
    limited: [],
  };
  const starts: Array<Promise<void>> = [];
  const window = { maxAgeMs: deps.config.eventMaxAgeMs, maxFutureMs: deps.config.eventMaxFutureMs };
  for (const event of events) {
    const fields = { source: event.source, eventId: event.id, eventType: event.type };
    const staleness = stalenessOf(event, window, deps.now());
    if (staleness !== undefined) {
      body.stale.push({ eventId: event.id, published: event.published ?? '', reason: staleness });
      deps.log({ level: 'warn', msg: 'event refused as stale', ...fields, reason: staleness });
      continue;
    }
    const { matches, refusals } = matchEvent(deps.plans, event, deps.config.indicators);
    for (const refusal of refusals) {
      body.refused.push({ eventId: event.id, playbook: refusal.plan.id, problems: refusal.problems });
      deps.log({
        level: 'warn',
        msg: 'event refused',
        ...fields,
        playbook: refusal.plan.id,
        problems: refusal.problems,
      });
    }
    if (matches.length === 0) {
      if (refusals.length === 0) deps.log({ level: 'info', msg: 'event matched no trigger', ...fields });
      continue;
    }
    body.matched += matches.length;
    const claim = `${event.source}\u0000${event.id}`;
    if (!deps.dedupe.claim(claim)) {
      body.duplicates++;
      deps.log({ level: 'info', msg: 'event already received', ...fields });
      continue;
    }
    starts.push(admitAndStart(deps, event, matches, claim, body));
  }
  let settled = 0;
  const all = starts.map((promise) => promise.finally(() => settled++));
  const deadline = new AbortController();
  await Promise.race([
    Promise.all(all),
    sleep(deps.config.startDeadlineMs, undefined, { signal: deadline.signal }).catch(() => undefined),
  ]);
  deadline.abort();
  body.pending = starts.length - settled;
  return { status: statusOf(body), body: { ...body, runs: [...body.runs], limited: [...body.limited] } };
}

/**
 * 503 when a start failed (deliver again), 429 when events were over their source's rate (deliver again later), 422 when nothing matched and some events were refused for their inputs (a
 * playbook or a sender to fix) or their age (delivering again cannot help), else 200: also for events that match
 * nothing, since there is nothing to retry.
 */
function statusOf(body: DeliveryResult): number {
  if (body.failed > 0) return 503;
  if (body.limited.length > 0) return 429;
  if (body.matched === 0 && body.refused.length + body.stale.length > 0) return 422;
  return 200;
}
