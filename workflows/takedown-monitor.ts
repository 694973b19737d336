/**
 * Follows one reported phishing domain until it is down: checks DNS and HTTP on a schedule, calls it down after N
 * failed checks in a row, reminds the abuse contacts and escalates while it stays up, and continues as new before the
 * history grows large. Cancelling it ends it cleanly with a summary of what was done.
 *
 * Started per domain by a playbook step (as a child workflow with parentClosePolicy ABANDON, so it outlives the run
 * that reported the domain); a workflow id such as `takedown-monitor/<domain>` keeps it to one monitor per domain.
 */
import {
  ApplicationFailure,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { TakedownMonitorActivities } from '../activities/takedown/specs';
import { hashValue } from '../dsl/canonical-json';
import { formatDuration } from '../dsl/duration';
import { describeFailure, isCancellation } from './failures';
import { requireRunPlaybookParent } from './parent-guard';
import { takedownMonitorJoinSignal, takedownMonitorStatusQuery } from './takedown-monitor-messages';
import {
  addProblem,
  escalationDue,
  expired,
  initialState,
  joinReports,
  LEGACY_MONITOR_RULES,
  readSettings,
  recordCheck,
  recordFailedCheck,
  reminderDue,
  summarise,
  type MonitorOutcome,
  type MonitorRules,
  type MonitorSettings,
  type MonitorState,
  type TakedownMonitorInput,
  type TakedownMonitorSummary,
} from './takedown-monitor-state';

export type { TakedownMonitorInput, TakedownMonitorSummary } from './takedown-monitor-state';

const { 'takedown.check': check } = proxyActivities<Pick<TakedownMonitorActivities, 'takedown.check'>>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 3, initialInterval: '2s' },
});

const followUps = proxyActivities<Omit<TakedownMonitorActivities, 'takedown.check'>>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 5, initialInterval: '5s', maximumInterval: '1m' },
});

/** Failures that no later check can fix: the monitor stops instead of failing every check until it expires. */
const FATAL_CHECK_FAILURES = ['NotConfigured', 'InvalidInput'];

/** The rules this monitor runs by: the patched ones, unless its history began before a patch. */
function monitorRules(): MonitorRules {
  return {
    downOnlyWhenGone: patched('takedown-down-only-when-gone') || LEGACY_MONITOR_RULES.downOnlyWhenGone,
    followUpOnlyWhenUp: patched('takedown-follow-up-only-when-up') || LEGACY_MONITOR_RULES.followUpOnlyWhenUp,
  };
}

async function runCheck(
  input: TakedownMonitorInput,
  state: MonitorState,
  settings: MonitorSettings,
  rules: MonitorRules,
): Promise<boolean> {
  try {
    return recordCheck(state, await check({ domain: input.domain }), settings, Date.now(), rules);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const failure = describeFailure(error);
    if (FATAL_CHECK_FAILURES.includes(failure.type)) {
      throw ApplicationFailure.nonRetryable(`cannot check ${input.domain}: ${failure.message}`, failure.type);
    }
    recordFailedCheck(state, `${failure.type}: ${failure.message}`, Date.now());
    return false;
  }
}

/**
 * Sends one follow-up (a reminder or an escalation). A failure is recorded as a problem and gives `undefined`, so the
 * monitor goes on; a cancellation ends the monitor.
 */
async function followUp<T>(state: MonitorState, what: string, send: () => Promise<T>): Promise<T | undefined> {
  try {
    return await send();
  } catch (error) {
    if (isCancellation(error)) throw error;
    addProblem(state, `${what} failed: ${describeFailure(error).message}`);
    return undefined;
  }
}

async function remind(input: TakedownMonitorInput, state: MonitorState, reminder: number): Promise<void> {
  const at = new Date(Date.now()).toISOString();
  const result = await followUp(state, `reminder ${reminder}`, () =>
    followUps['takedown.remind']({
      domain: input.domain,
      reportedAt: input.reportedAt,
      reportedTo: state.reportedTo,
      reminder,
      lastCheck: state.lastCheck?.description.slice(0, 500),
    }),
  );
  const sentTo = (result?.reports ?? []).filter((report) => report.status !== 'skipped').map((report) => report.to);
  state.reminders.push({ number: reminder, at, sentTo });
  // Also after a failure: the next try waits a full interval instead of hammering a broken mail server every check.
  state.lastNoticeAt = at;
}

async function escalate(input: TakedownMonitorInput, state: MonitorState, level: number): Promise<void> {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const reason =
    `${input.domain} is still up ${formatDuration(now - Date.parse(input.reportedAt))} after it was reported` +
    (state.lastCheck ? `; last check: ${state.lastCheck.description}` : '');
  const result = await followUp(state, `escalation ${level}`, () =>
    followUps['takedown.escalate']({
      domain: input.domain,
      reportedAt: input.reportedAt,
      reportedTo: state.reportedTo,
      level,
      reason: reason.slice(0, 500),
    }),
  );
  if (!result) {
    state.escalations.push({ level, at, addedTo: [] });
    return;
  }
  state.reportedTo = [...state.reportedTo, ...result.reportedTo];
  const addedTo = result.reportedTo.map((target) => `${target.provider}:${target.to}`);
  state.escalations.push({ level, at, addedTo, notifiedVia: result.notifiedVia });
}

export async function takedownMonitor(input: TakedownMonitorInput): Promise<TakedownMonitorSummary> {
  // Its rules are decided before the first await (the parent check's local activity), so replay decides them alike.
  const rules = monitorRules();
  // Started directly, a monitor would remind and escalate unapproved: it runs only for the run that reported the domain.
  if (workflowInfo().continuedFromExecutionRunId === undefined) {
    await requireRunPlaybookParent({ kind: 'workflow', workflowType: 'takedownMonitor', inputHash: hashValue(input) });
  }
  const read = readSettings(input);
  if ('problems' in read) {
    throw ApplicationFailure.nonRetryable(
      `takedownMonitor: invalid input: ${read.problems.join('; ')}`,
      'InvalidInput',
    );
  }
  const { settings } = read;
  const state = initialState(input, Date.now());
  setHandler(takedownMonitorStatusQuery, () => summarise(input, state, 'monitoring', Date.now()));
  setHandler(takedownMonitorJoinSignal, (join) => {
    const added = joinReports(state, join);
    if (added.length > 0) log.info(`takedown monitor of ${input.domain} joined`, { added });
  });

  const finish = (outcome: MonitorOutcome): TakedownMonitorSummary => {
    const summary = summarise(input, state, outcome, Date.now());
    log.info(`takedown monitor of ${input.domain} ended: ${outcome}`, { checks: state.checks, downAt: state.downAt });
    return summary;
  };

  try {
    for (let checksThisRun = 1; ; checksThisRun++) {
      if (expired(state, settings, Date.now())) return finish('expired');
      if (await runCheck(input, state, settings, rules)) return finish('down');
      const reminder = reminderDue(state, settings, Date.now(), rules);
      if (reminder !== undefined) await remind(input, state, reminder);
      const level = escalationDue(state, input, settings, Date.now(), rules);
      if (level !== undefined) await escalate(input, state, level);
      await sleep(settings.checkIntervalMs);
      if (checksThisRun >= settings.checksPerRun || workflowInfo().continueAsNewSuggested) {
        state.continuedAsNew += 1;
        return await continueAsNew<typeof takedownMonitor>({ ...input, carried: state });
      }
    }
  } catch (error) {
    if (isCancellation(error)) return finish('cancelled');
    throw error;
  }
}
