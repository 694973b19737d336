/**
 * The takedown monitor's input, state and decisions, as pure functions of the state and the workflow clock: when a
 * domain counts as down, when a reminder or an escalation is due, what the summary says. Sandbox-safe, and testable
 * without a Temporal server.
 */
import type { CheckVerdict, ReportTarget, TakedownCheckResult } from '../activities/takedown/specs';
import { isDuration, parseDuration } from '../dsl/duration';

/** Milliseconds, or a duration such as `5m` or `2h`. */
export type MonitorDuration = number | string;

export interface TakedownMonitorInput {
  domain: string;
  /** When the report went out (ISO 8601): reminders and escalations count from here. */
  reportedAt: string;
  /** Who had the report (`takedown.request`'s `reportedTo`); escalations add to it. */
  reportedTo: ReportTarget[];
  /** Time between two checks. @default 15m */
  checkInterval?: MonitorDuration;
  /** Consecutive failed checks before the domain counts as down. @default 3 */
  downAfterChecks?: number;
  /** Time since the last report or reminder before the next reminder; 0 sends none. @default 1d */
  renotifyAfter?: MonitorDuration;
  /** Time since the report per escalation level (level n is due at n × escalateAfter); 0 never escalates. @default 2d */
  escalateAfter?: MonitorDuration;
  /** Time after which the monitor gives up, from its first start. @default 30d */
  maxDuration?: MonitorDuration;
  /** Checks per run before continuing as new, so the history stays small. @default 100 */
  checksPerRun?: number;
  /** The state carried over by continue-as-new; callers leave it out. */
  carried?: MonitorState;
}

export interface CheckRecord {
  at: string;
  up: boolean;
  /** What the check concluded (see `CHECK_VERDICTS`); absent in states carried from before it existed. */
  verdict?: CheckVerdict;
  /** A DNS timeout or error says nothing about the domain: it neither counts as down nor breaks a streak. */
  conclusive: boolean;
  description: string;
}

export interface MonitorState {
  monitoredFrom: string;
  reportedTo: ReportTarget[];
  checks: number;
  inconclusiveChecks: number;
  /** Failed checks in a row, and when the streak began. */
  failedInARow: number;
  failingSince?: string;
  lastCheck?: CheckRecord;
  downAt?: string;
  confirmedDownAt?: string;
  /** The report, or the latest reminder. */
  lastNoticeAt: string;
  reminders: { number: number; at: string; sentTo: string[] }[];
  escalations: { level: number; at: string; addedTo: string[]; notifiedVia?: string }[];
  continuedAsNew: number;
  /** The latest failures of reminders, escalations and checks, newest last. */
  problems: string[];
}

export type MonitorOutcome = 'monitoring' | 'down' | 'cancelled' | 'expired';

export interface TakedownMonitorSummary extends Omit<MonitorState, 'failedInARow' | 'failingSince' | 'lastNoticeAt'> {
  domain: string;
  outcome: MonitorOutcome;
  reportedAt: string;
  endedAt?: string;
}

export interface MonitorSettings {
  checkIntervalMs: number;
  downAfterChecks: number;
  renotifyAfterMs: number;
  escalateAfterMs: number;
  maxDurationMs: number;
  checksPerRun: number;
}

const MAX_PROBLEMS = 20;

/**
 * Behaviour changes of the monitor, each behind a `patched()` marker in the workflow, so a monitor that started
 * before a change replays and carries on with the rules it started with.
 */
export interface MonitorRules {
  /** Only a check whose DNS gives no address counts towards down; a domain that resolves is not down. */
  downOnlyWhenGone: boolean;
  /** Reminders ("still up") and escalations only when the latest check saw the site up. */
  followUpOnlyWhenUp: boolean;
}

export const MONITOR_RULES: MonitorRules = { downOnlyWhenGone: true, followUpOnlyWhenUp: true };
/** The rules of monitors started before the patches `takedown-down-only-when-gone` and `takedown-follow-up-only-when-up`. */
export const LEGACY_MONITOR_RULES: MonitorRules = { downOnlyWhenGone: false, followUpOnlyWhenUp: false };

/** A check's verdict; results recorded before verdicts existed are classified from their fields. */
function verdictOf(check: TakedownCheckResult): CheckVerdict {
  if (check.verdict) return check.verdict;
  if (check.up) return 'up';
  if (['timeout', 'error'].includes(check.dns.status)) return 'inconclusive';
  return check.dns.addresses.length === 0 ? 'gone' : 'resolves';
}

/** What a playbook step gets when it leaves a setting out: a takedown takes days, a check every 15 minutes is cheap. */
export const MONITOR_DEFAULTS = {
  checkInterval: '15m',
  downAfterChecks: 3,
  renotifyAfter: '1d',
  escalateAfter: '2d',
  maxDuration: '30d',
  checksPerRun: 100,
} as const;

function durationMs(value: MonitorDuration, name: string, problems: string[]): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && isDuration(value)) return parseDuration(value);
  problems.push(`${name} must be milliseconds or a duration such as 5m, not ${JSON.stringify(value)}`);
  return 0;
}

/** The settings of valid input, or every problem with it. */
export function readSettings(input: TakedownMonitorInput): { settings: MonitorSettings } | { problems: string[] } {
  const problems: string[] = [];
  if (typeof input.domain !== 'string' || !/^[a-z0-9.-]+\.[a-z0-9-]+$/i.test(input.domain)) {
    problems.push(`domain must be a domain name, not ${JSON.stringify(input.domain)}`);
  }
  if (typeof input.reportedAt !== 'string' || Number.isNaN(Date.parse(input.reportedAt))) {
    problems.push(`reportedAt must be an ISO 8601 time, not ${JSON.stringify(input.reportedAt)}`);
  }
  if (!Array.isArray(input.reportedTo)) problems.push('reportedTo must be a list of { provider, to }');
  const downAfterChecks = input.downAfterChecks ?? MONITOR_DEFAULTS.downAfterChecks;
  if (!Number.isInteger(downAfterChecks) || downAfterChecks < 1) {
    problems.push(`downAfterChecks must be a whole number of at least 1, not ${JSON.stringify(downAfterChecks)}`);
  }
  const checksPerRun = input.checksPerRun ?? MONITOR_DEFAULTS.checksPerRun;
  if (!Number.isInteger(checksPerRun) || checksPerRun < 1) {
    problems.push('checksPerRun must be a whole number of at least 1');
  }
  const duration = (name: 'checkInterval' | 'renotifyAfter' | 'escalateAfter' | 'maxDuration') =>
    durationMs(input[name] ?? MONITOR_DEFAULTS[name], name, problems);
  const settings: MonitorSettings = {
    checkIntervalMs: duration('checkInterval'),
    downAfterChecks,
    renotifyAfterMs: duration('renotifyAfter'),
    escalateAfterMs: duration('escalateAfter'),
    maxDurationMs: duration('maxDuration'),
    checksPerRun,
  };
  if (settings.checkIntervalMs < 1_000 && problems.length === 0) problems.push('checkInterval must be at least 1s');
  return problems.length > 0 ? { problems } : { settings };
}

export function initialState(input: TakedownMonitorInput, nowMs: number): MonitorState {
  if (input.carried) return input.carried;
  return {
    monitoredFrom: new Date(nowMs).toISOString(),
    reportedTo: input.reportedTo,
    checks: 0,
    inconclusiveChecks: 0,
    failedInARow: 0,
    lastNoticeAt: input.reportedAt,
    reminders: [],
    escalations: [],
    continuedAsNew: 0,
    problems: [],
  };
}

/** One line about a check, quoted in reminders and the summary. */
export function describeCheck(check: TakedownCheckResult): string {
  const dns = check.dns.status === 'ok' ? `resolves to ${check.dns.addresses.join(', ')}` : `DNS ${check.dns.status}`;
  const http = check.http.answered
    ? `HTTP ${check.http.status}${check.http.title ? ` "${check.http.title}"` : ''}`
    : `no HTTP answer${check.http.error ? ` (${check.http.error})` : ''}`;
  return `${dns}, ${http}`;
}

export function addProblem(state: MonitorState, problem: string): void {
  state.problems.push(problem);
  state.problems.splice(0, Math.max(0, state.problems.length - MAX_PROBLEMS));
}

/** Records a check; returns whether the domain is now confirmed down. */
export function recordCheck(
  state: MonitorState,
  check: TakedownCheckResult,
  settings: MonitorSettings,
  nowMs: number,
  rules: MonitorRules = MONITOR_RULES,
): boolean {
  const at = new Date(nowMs).toISOString();
  const verdict = verdictOf(check);
  const conclusive = verdict !== 'inconclusive';
  // Under the current rules, anything that resolves breaks a streak; before, only a site that answered did.
  const failed = rules.downOnlyWhenGone ? verdict === 'gone' : !check.up;
  state.checks += 1;
  state.lastCheck = { at, up: check.up, verdict, conclusive, description: describeCheck(check) };
  if (!conclusive) {
    state.inconclusiveChecks += 1;
  } else if (!failed) {
    state.failedInARow = 0;
    delete state.failingSince;
  } else {
    state.failedInARow += 1;
    state.failingSince ??= at;
  }
  if (state.failedInARow >= settings.downAfterChecks) {
    state.downAt = state.failingSince;
    state.confirmedDownAt = at;
    return true;
  }
  return false;
}

/** A check that could not run at all counts like an inconclusive one. */
export function recordFailedCheck(state: MonitorState, reason: string, nowMs: number): void {
  state.checks += 1;
  state.inconclusiveChecks += 1;
  state.lastCheck = { at: new Date(nowMs).toISOString(), up: false, conclusive: false, description: reason };
  addProblem(state, `check failed: ${reason}`);
}

/** A reminder or an escalation is off when its interval is 0, or, by the rules, while the site is not seen up. */
function followUpOff(state: MonitorState, afterMs: number, rules: MonitorRules): boolean {
  return afterMs === 0 || (rules.followUpOnlyWhenUp && state.lastCheck?.up !== true);
}

/** The number of the reminder due now, if one is. */
export function reminderDue(
  state: MonitorState,
  settings: MonitorSettings,
  nowMs: number,
  rules: MonitorRules = MONITOR_RULES,
): number | undefined {
  if (followUpOff(state, settings.renotifyAfterMs, rules)) return undefined;
  return nowMs >= Date.parse(state.lastNoticeAt) + settings.renotifyAfterMs ? state.reminders.length + 1 : undefined;
}

/** The escalation level due now, if one is. */
export function escalationDue(
  state: MonitorState,
  input: Pick<TakedownMonitorInput, 'reportedAt'>,
  settings: MonitorSettings,
  nowMs: number,
  rules: MonitorRules = MONITOR_RULES,
): number | undefined {
  if (followUpOff(state, settings.escalateAfterMs, rules)) return undefined;
  const level = state.escalations.length + 1;
  return nowMs >= Date.parse(input.reportedAt) + level * settings.escalateAfterMs ? level : undefined;
}

export function expired(state: MonitorState, settings: MonitorSettings, nowMs: number): boolean {
  return nowMs >= Date.parse(state.monitoredFrom) + settings.maxDurationMs;
}

export function summarise(
  input: Pick<TakedownMonitorInput, 'domain' | 'reportedAt'>,
  state: MonitorState,
  outcome: MonitorOutcome,
  nowMs: number,
): TakedownMonitorSummary {
  const { failedInARow: _streak, failingSince: _since, lastNoticeAt: _notice, ...rest } = state;
  return {
    domain: input.domain,
    outcome,
    reportedAt: input.reportedAt,
    ...rest,
    ...(outcome === 'monitoring' ? {} : { endedAt: new Date(nowMs).toISOString() }),
  };
}

/** Adds the recipients a joining run reported to; returns those that were new. */
export function joinReports(state: MonitorState, join: Pick<TakedownMonitorInput, 'reportedTo'>): ReportTarget[] {
  const known = (target: ReportTarget) =>
    state.reportedTo.some((other) => other.provider === target.provider && other.to === target.to);
  const added = (Array.isArray(join.reportedTo) ? join.reportedTo : []).filter(
    (target, index, all) =>
      typeof target?.provider === 'string' &&
      typeof target.to === 'string' &&
      !known(target) &&
      all.findIndex((other) => other.provider === target.provider && other.to === target.to) === index,
  );
  state.reportedTo = [...state.reportedTo, ...added];
  return added;
}
