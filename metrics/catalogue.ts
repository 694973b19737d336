/**
 * cordon's own metrics, exported beside Temporal's on the worker's Prometheus endpoint (`CORDON_METRICS_PORT`). One
 * catalogue, so the workflow code that records them, the Okta client, the Grafana dashboard and the README agree on
 * names and labels. Sandbox-safe: plain data, imported by workflow code.
 *
 * Prometheus shows counters with `_total` and histograms in seconds with `_bucket`, `_sum` and `_count`.
 */

export const CORDON_METRICS = {
  runsStarted: {
    name: 'cordon_runs_started',
    kind: 'counter',
    labels: ['playbook', 'trigger'],
    description: 'Runs started, by playbook and trigger kind (cli, slack, detection, api).',
  },
  steps: {
    name: 'cordon_steps',
    kind: 'counter',
    labels: ['playbook', 'action', 'outcome'],
    description: 'Steps ended, by action and outcome (succeeded, failed, skipped, rejected, cancelled).',
  },
  actions: {
    name: 'cordon_actions',
    kind: 'counter',
    labels: ['action', 'outcome'],
    description: 'Action calls ended (each forEach item and undo counts), by action and outcome (succeeded, failed).',
  },
  approvalWait: {
    name: 'cordon_approval_wait',
    kind: 'histogram',
    labels: ['playbook', 'outcome'],
    description: 'Seconds from an approval request to its decision, by outcome (approved, rejected).',
  },
  detectionToContainment: {
    name: 'cordon_detection_to_containment',
    kind: 'histogram',
    labels: ['playbook'],
    description: 'Seconds from the detection (its event time, else the start) to the first containment write.',
  },
  oktaRequests: {
    name: 'cordon_okta_requests',
    kind: 'counter',
    labels: ['endpoint', 'status'],
    description: 'HTTP requests to Okta, by endpoint (method and path template) and status (0: no answer).',
  },
  oktaRateLimited: {
    name: 'cordon_okta_rate_limited',
    kind: 'counter',
    labels: ['endpoint'],
    description: 'Okta answers with status 429, by endpoint.',
  },
} as const;

export type CordonMetric = keyof typeof CORDON_METRICS;

/** Bucket bounds in seconds: approvals take minutes to hours, containment seconds to minutes. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [CORDON_METRICS.approvalWait.name]: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400],
  [CORDON_METRICS.detectionToContainment.name]: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
};
