/**
 * The metrics a run records from workflow code (see `metrics/catalogue.ts`). Temporal's workflow meter emits nothing
 * while a history replays, so a worker restart or a replay does not count a run twice, and no command is issued:
 * histories replay alike with or without them.
 */
import { metricMeter } from '@temporalio/workflow';
import { CORDON_METRICS } from '../metrics/catalogue';

const { runsStarted, steps, actions, approvalWait, detectionToContainment } = CORDON_METRICS;

export function recordRunStarted(playbook: string, trigger: string): void {
  metricMeter.createCounter(runsStarted.name, undefined, runsStarted.description).add(1, { playbook, trigger });
}

export function recordStepEnded(playbook: string, action: string, outcome: string): void {
  metricMeter.createCounter(steps.name, undefined, steps.description).add(1, { playbook, action, outcome });
}

export function recordActionEnded(action: string, outcome: 'succeeded' | 'failed'): void {
  metricMeter.createCounter(actions.name, undefined, actions.description).add(1, { action, outcome });
}

export function recordApprovalWait(playbook: string, outcome: string, seconds: number): void {
  metricMeter
    .createHistogram(approvalWait.name, 'float', 's', approvalWait.description)
    .record(Math.max(0, seconds), { playbook, outcome });
}

export function recordDetectionToContainment(playbook: string, seconds: number): void {
  metricMeter
    .createHistogram(detectionToContainment.name, 'float', 's', detectionToContainment.description)
    .record(Math.max(0, seconds), { playbook });
}
