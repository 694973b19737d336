/**
 * The audit of one run as JSON (`cordon audit ID --format json`): a stable, versioned shape, documented field by field
 * here and printed as JSON Schema by `cordon audit --schema`. Removing a field or changing its meaning bumps
 * `auditVersion`; adding an optional field does not. Every value was read from the run's workflow history alone, and
 * secret-looking values are redacted (see `redaction`).
 */
import { plannedChangeSchema } from '../activities/effect';
import { z } from 'zod';

/** 2: approvals' `evidence` is `shown`, the run's `evidence` is `alerts`, the timeline kind `evidence` is `alert`. */
export const AUDIT_VERSION = 2;

const time = z.iso.datetime().describe('An ISO 8601 UTC time.');
const optionalTime = time.nullable();

export const failureSchema = z
  .object({
    type: z
      .string()
      .describe(
        'The failure type: an ApplicationFailure type (DeliberateFailure, Unavailable, …), Timeout, Cancelled, …',
      ),
    message: z.string(),
    nonRetryable: z
      .boolean()
      .nullable()
      .describe('Whether the failure said a retry cannot help; null when not stated.'),
    cause: z.string().nullable().describe('The message of the innermost cause, when there is one.'),
  })
  .describe('A failure as recorded in the history (stack traces are left out).');

export const activityCallSchema = z
  .object({
    activityId: z.string().describe('The step id, `step[i]` for a forEach item, `undo:step` for an undo.'),
    activityType: z
      .string()
      .describe(
        'The action name, the interpreter service (cordon.resolve_approvers, cordon.notify), or a child workflow type.',
      ),
    role: z
      .enum(['action', 'item', 'undo', 'chunk', 'service', 'other'])
      .describe('`chunk`: a child workflow running a slice of a large forEach; `itemIndex` is its first item.'),
    child: z
      .object({ workflowId: z.string(), runId: z.string().nullable() })
      .nullable()
      .describe('Set when the call is a child workflow (audit it by this id for its own calls).'),
    stepId: z.string().nullable().describe('The plan step this call belongs to.'),
    itemIndex: z.number().int().nullable().describe('The forEach item index, for items and their undo.'),
    scheduledEventId: z
      .number()
      .int()
      .describe('The ActivityTaskScheduled (or StartChildWorkflowExecutionInitiated) event.'),
    scheduledAt: time,
    startedAt: optionalTime.describe('When the last attempt started (the history records only the last one).'),
    endedAt: optionalTime,
    outcome: z.enum(['scheduled', 'started', 'completed', 'failed', 'timed_out', 'cancelled']),
    attempts: z
      .number()
      .int()
      .nullable()
      .describe('Attempts made, from the last attempt number; null before the first ends.'),
    worker: z.string().nullable().describe('Identity of the worker that ran the last attempt.'),
    input: z.unknown().describe('The resolved input the action was called with (redacted).'),
    output: z.unknown().describe('What the action returned (redacted); null unless completed.'),
    error: failureSchema.nullable().describe('Why the call failed, timed out or was cancelled.'),
    previousAttemptFailure: failureSchema.nullable().describe('Why the attempt before the last one failed, if any.'),
  })
  .describe('One activity call: the scheduling, the last attempt, and its result.');

export const stepSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    action: z.string(),
    impact: z.enum(['read', 'reversible', 'destructive']),
    needs: z.array(z.string()),
    gated: z.boolean().describe('Whether the step waits for an approval (see `approvals`).'),
    unattendedReason: z
      .string()
      .nullable()
      .describe('Why a destructive step runs without approval, as the playbook says.'),
    coveredBy: z
      .string()
      .nullable()
      .describe('The step whose approval also approved this one (`approval.covers`), binding its inputs by hash.'),
    forEach: z.boolean(),
    status: z
      .string()
      .describe(
        'succeeded, failed, skipped, rejected, cancelled, undone, undo_failed, or pending/running/waiting_approval for a live run.',
      ),
    reason: z.string().nullable().describe('Why the step was skipped, rejected or cancelled.'),
    startedAt: optionalTime.describe('When its first call was scheduled.'),
    endedAt: optionalTime,
    attempts: z.number().int().describe('Attempts over all its calls (0 when it never ran).'),
    calls: z
      .array(activityCallSchema)
      .describe('The action calls: one, one per forEach item, or one child workflow per slice of a large forEach.'),
    undo: z.array(activityCallSchema).describe('The undo calls, newest first as they ran.'),
  })
  .describe('A step of the playbook and what became of it.');

export const approvalDecisionSchema = z.object({
  approver: z.string().describe('Who decided (`timeout` when the gate’s onTimeout policy decided).'),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().nullable(),
  at: time.describe('When the run recorded the decision (workflow time; the server accepted it at event `eventId`).'),
  via: z.enum(['human', 'timeout']),
  updateId: z.string().nullable().describe('The `decide` Update that carried it.'),
  eventId: z.number().int().nullable().describe('The WorkflowExecutionUpdateAccepted event.'),
  clientIdentity: z.string().nullable().describe('The Temporal client that sent it (the Slack app, a CLI host).'),
  person: z.string().nullable().default(null).describe('The person of the people directory who decided.'),
  channel: z.enum(['slack', 'cli']).nullable().default(null).describe('Where the decision came from.'),
  verification: z
    .string()
    .nullable()
    .default(null)
    .describe(
      'How the worker verified it (Slack request signature, Ed25519 key); null before decisions were verified.',
    ),
});

export const refusedDecisionSchema = z.object({
  claimed: z.string().describe('Who the sender said decided.'),
  decision: z.enum(['approve', 'reject']),
  channel: z.enum(['slack', 'cli', 'none']).describe('The proof it carried: a Slack request, a key signature, none.'),
  problem: z.string().describe('Why it did not count.'),
  at: time.describe('When the server accepted the attempt.'),
  updateId: z.string(),
});

export const approvalSchema = z
  .object({
    stepId: z.string(),
    action: z.string(),
    impact: z.enum(['read', 'reversible', 'destructive']),
    status: z.enum(['pending', 'approved', 'rejected']),
    requestedAt: optionalTime,
    deadline: optionalTime,
    required: z.number().int().nullable().describe('Distinct approvals needed.'),
    inputsHash: z.string().nullable().describe('sha256 of the inputs the approval binds to.'),
    input: z.unknown().describe('The inputs shown to approvers (redacted).'),
    shown: z.record(z.string(), z.unknown()).describe("What the gate's `show` gave approvers to look at (redacted)."),
    effects: z
      .array(z.object({ stepId: z.string(), summary: z.string(), changes: z.array(plannedChangeSchema) }))
      .default([])
      .describe(
        'What the gated step and the steps it covers would change, as the request showed it; the hash binds it with the inputs.',
      ),
    approvers: z.array(z.string()).describe('Who was allowed to decide, after group resolution and escalation.'),
    resolutions: z
      .array(
        z.object({
          purpose: z.enum(['gate', 'escalation']),
          users: z.array(z.string()),
          groups: z.array(z.string()),
          resolved: z.array(z.string()).describe('What cordon.resolve_approvers returned.'),
          at: optionalTime,
        }),
      )
      .describe('How the approver set was resolved (the cordon.resolve_approvers calls).'),
    escalated: z.boolean(),
    refused: z
      .array(refusedDecisionSchema)
      .default([])
      .describe('Decisions that reached the run and were refused (forged, unverifiable, or by someone not allowed).'),
    timers: z
      .array(
        z.object({
          purpose: z.enum(['gate', 'escalation']),
          durationMs: z.number(),
          startedAt: time,
          outcome: z.enum(['fired', 'cancelled', 'pending']),
          endedAt: optionalTime,
        }),
      )
      .describe('The approval deadlines as timers: `fired` means nobody decided in time.'),
    decisions: z.array(approvalDecisionSchema),
  })
  .describe('An approval gate: who was asked, who decided, when and why.');

export const alertSchema = z.object({
  at: time,
  eventId: z.number().int(),
  source: z.string(),
  reference: z.string().nullable(),
  summary: z.string(),
  data: z.unknown(),
  sentBy: z.string().nullable().describe('The Temporal client that sent the signal.'),
});

export const snapshotSchema = z.object({
  at: time,
  eventId: z.number().int().describe('The event that scheduled the call.'),
  action: z.string().describe('The action that kept it (okta.snapshot).'),
  call: z.string().describe('The step (and item) whose output it is.'),
  summary: z.string(),
  data: z.unknown().describe('Kept whole: it is what containment erases (factors, status, sessions).'),
});

export const timelineEntrySchema = z.object({
  at: time,
  eventId: z.number().int().nullable(),
  kind: z.enum([
    'run_started',
    'step_started',
    'attempt_failed',
    'step_ended',
    'approval_requested',
    'approval_escalated',
    'approval_decided',
    'alert',
    'snapshot',
    'cancel_requested',
    'undo',
    'workflow_task_failed',
    'run_ended',
  ]),
  stepId: z.string().nullable(),
  text: z.string().describe('One line for people.'),
});

export const auditSchema = z
  .object({
    auditVersion: z.literal(AUDIT_VERSION),
    generatedAt: time,
    history: z.object({
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .describe('Digest of the history (see audit/integrity.ts).'),
      events: z.number().int(),
      firstEventAt: time,
      lastEventAt: time,
      source: z.string().describe('Where the history was read: `server, namespace <ns>` or the file.'),
    }),
    run: z.object({
      workflowId: z.string(),
      runId: z.string().nullable(),
      workflowType: z.string(),
      taskQueue: z.string(),
      startedAt: time,
      endedAt: optionalTime,
      durationMs: z.number().nullable(),
      startedBy: z.string().nullable().describe('The Temporal client identity that started the workflow.'),
      requester: z.string().describe('Who asked for the run (a Slack user, a CLI user, `detection:<source>`).'),
      trigger: z.object({
        kind: z.string().describe('cli, slack, detection or api.'),
        source: z.string().nullable(),
        reference: z.string().nullable().describe('The detection event or request id.'),
        channel: z.string().nullable(),
      }),
      subject: z.string().nullable(),
      incidentId: z.string().nullable(),
      inputs: z.record(z.string(), z.unknown()).describe('The validated run inputs (redacted).'),
      searchAttributes: z.record(z.string(), z.unknown()),
      workers: z
        .array(z.object({ identity: z.string(), buildId: z.string().nullable() }))
        .describe('Workers that ran its workflow tasks; the build id names the workflow code.'),
    }),
    playbook: z.object({
      id: z.string(),
      version: z.string(),
      title: z.string(),
      description: z.string().nullable(),
      file: z.string().nullable(),
      interpreter: z.number().int(),
      onFailure: z.string(),
      sha256: z.string().describe('The sha256 the plan carries.'),
      sourceMatchesSha256: z.boolean().describe('Whether the recorded source hashes to `sha256`.'),
      source: z.string().describe('The YAML that ran (secret-looking values redacted).'),
    }),
    steps: z.array(stepSchema),
    approvals: z.array(approvalSchema),
    alerts: z.array(alertSchema).describe('Detection alerts attached to the run (the `alert` signal).'),
    snapshots: z
      .array(snapshotSchema)
      .describe('What the run kept before containment: the output of each completed snapshot action.'),
    outcome: z.object({
      status: z.enum(['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new']),
      runStatus: z.string().nullable().describe('The interpreter’s own status: succeeded, failed, cancelled.'),
      at: optionalTime,
      result: z.unknown().describe('The run result (step statuses and outputs, redacted); null while running.'),
      failure: failureSchema.nullable(),
      cancelRequested: z.object({ at: time, by: z.string().nullable(), reason: z.string().nullable() }).nullable(),
      closedBy: z.string().nullable().describe('Who terminated the run, when it was terminated.'),
    }),
    notifications: z
      .object({
        sent: z.number().int(),
        failed: z.number().int(),
        pending: z.number().int(),
        byKind: z.record(z.string(), z.number().int()),
      })
      .describe('The cordon.notify calls (Slack, log), condensed.'),
    otherActivities: z.array(activityCallSchema).describe('Activities that belong to no step (should be empty).'),
    workflowTaskFailures: z.array(
      z.object({ eventId: z.number().int(), at: time, cause: z.string(), message: z.string() }),
    ),
    timeline: z.array(timelineEntrySchema).describe('Everything above in time order, one line each.'),
    warnings: z.array(z.string()).describe('What the audit could not read as expected.'),
    redaction: z.object({
      rule: z.string(),
      keys: z.array(z.string()).describe('Key name fragments (and short whole names) whose values are redacted.'),
      redacted: z.array(z.string()).describe('JSON pointers of the values replaced by "[redacted]".'),
    }),
  })
  .describe('The audit of one cordon run, read from its workflow history.');

export type Audit = z.infer<typeof auditSchema>;
export type ActivityCall = z.infer<typeof activityCallSchema>;
export type AuditStep = z.infer<typeof stepSchema>;
export type AuditApproval = z.infer<typeof approvalSchema>;
export type ApprovalDecisionEntry = z.infer<typeof approvalDecisionSchema>;
export type AuditAlert = z.infer<typeof alertSchema>;
export type AuditSnapshot = z.infer<typeof snapshotSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type FailureSummary = z.infer<typeof failureSchema>;

/** The JSON Schema of the audit format, for auditors' tooling. */
export function auditJsonSchema(): unknown {
  return z.toJSONSchema(auditSchema, { io: 'output', unrepresentable: 'any' });
}
