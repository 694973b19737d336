/**
 * Whether an event is recent enough to act on, by the time its sender says it happened. A delivery captured, queued or
 * replayed long after the event must not start a containment: the event-id memory covers the window, the window
 * covers everything older.
 */
import type { DetectionEvent } from './detection-event';

export interface FreshnessWindow {
  /** Events published longer ago than this are stale. */
  maxAgeMs: number;
  /** Events published further ahead than this (clock skew) are refused too. */
  maxFutureMs: number;
}

/** Why the event is outside the window, or undefined when it is inside (or carries no time, as webhook events). */
export function stalenessOf(event: DetectionEvent, window: FreshnessWindow, now: number): string | undefined {
  if (event.published === undefined) return undefined;
  const at = Date.parse(event.published);
  // The parsers accept only ISO 8601 date-times, so this is a safeguard: an event of unknown age is not fresh.
  if (!Number.isFinite(at)) return `published "${event.published}" is not a date-time`;
  const seconds = (ms: number) => Math.round(ms / 1000);
  if (now - at > window.maxAgeMs) {
    return `published ${seconds(now - at)} s ago, outside the ${seconds(window.maxAgeMs)} s window`;
  }
  if (at - now > window.maxFutureMs) {
    return `published ${seconds(at - now)} s from now, beyond the ${seconds(window.maxFutureMs)} s allowed for clock skew`;
  }
  return undefined;
}
