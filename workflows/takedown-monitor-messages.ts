/** The takedown monitor's Query. Clients import this file, never the workflow itself. */
import { defineQuery } from '@temporalio/workflow';
import type { TakedownMonitorSummary } from './takedown-monitor-state';

/** What the monitor has seen and done so far (outcome `monitoring` while it runs). */
export const takedownMonitorStatusQuery = defineQuery<TakedownMonitorSummary>('takedownMonitorStatus');
