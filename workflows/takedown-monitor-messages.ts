/** The takedown monitor's Query and Signal. Clients import this file, never the workflow itself. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TakedownMonitorInput, TakedownMonitorSummary } from './takedown-monitor-state';
import { TAKEDOWN_MONITOR_JOIN_SIGNAL } from './takedown-monitor-names';

/** What the monitor has seen and done so far (outcome `monitoring` while it runs). */
export const takedownMonitorStatusQuery = defineQuery<TakedownMonitorSummary>('takedownMonitorStatus');

/**
 * A later run's `takedown.monitor` step joined this monitor: its input, whose `reportedTo` holds the recipients that
 * run reported to (e.g. a provider added), which the monitor then counts as used.
 */
export const takedownMonitorJoinSignal = defineSignal<[TakedownMonitorInput]>(TAKEDOWN_MONITOR_JOIN_SIGNAL);
