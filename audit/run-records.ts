/**
 * The records cordon's interpreter writes into a workflow history, as the audit reads them back: the workflow input
 * (the plan with its source), the `decide` Update's arguments and results, the `alert` signal, the notifier's state
 * snapshots and the run result. A history is outside data (possibly years old, possibly from another version), so
 * every record is validated here; unknown extra fields are kept, missing ones fail the record, not the audit.
 */
import { plannedChangeSchema } from '../activities/effect';
import { z } from 'zod';
import { IMPACTS } from '../dsl/plan';

const approverSet = z.object({ users: z.array(z.string()).default([]), groups: z.array(z.string()).default([]) });

const gate = z.looseObject({
  approvers: approverSet,
  required: z.number(),
  timeoutMs: z.number(),
  onTimeout: z.string(),
  escalation: z
    .looseObject({ approvers: approverSet, timeoutMs: z.number(), channel: z.string().optional() })
    .optional(),
  covers: z.array(z.string()).optional(),
});

const planStep = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  action: z.string(),
  impact: z.enum(IMPACTS),
  needs: z.array(z.string()).default([]),
  forEach: z.looseObject({ items: z.string() }).optional(),
  approval: gate.optional(),
  unattended: z.object({ reason: z.string() }).optional(),
  coveredBy: z.string().optional(),
  undo: z.looseObject({ action: z.string(), approval: gate.optional() }).optional(),
  workflow: z.looseObject({ type: z.string(), detach: z.boolean().optional(), id: z.string().optional() }).optional(),
});

const plan = z.looseObject({
  interpreter: z.number(),
  id: z.string(),
  version: z.string(),
  title: z.string(),
  description: z.string().optional(),
  sha256: z.string(),
  source: z.string(),
  file: z.string().optional(),
  onFailure: z.string(),
  steps: z.array(planStep),
});

export const triggerRecord = z.object({
  kind: z.string(),
  source: z.string().optional(),
  reference: z.string().optional(),
  channel: z.string().optional(),
});

/** The interpreter workflow's input (`RunPlaybookInput`), first payload of WorkflowExecutionStarted. */
export const runInputRecord = z.object({
  plan,
  inputs: z.record(z.string(), z.unknown()),
  requester: z.string(),
  trigger: triggerRecord,
  subject: z.string().optional(),
  incidentId: z.string().optional(),
});
export type RunInputRecord = z.infer<typeof runInputRecord>;
export type PlanStepRecord = z.infer<typeof planStep>;

const decisionRecord = z.object({
  approver: z.string(),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().optional(),
  at: z.string(),
  via: z.enum(['human', 'timeout']),
  person: z.string().optional(),
  channel: z.enum(['slack', 'cli']).optional(),
  verification: z.string().optional(),
});

/** `ApprovalState`: in notifications and as the `decide` Update's result. */
/** What a step would change, as the approval request showed it (requests made before effect plans have none). */
const stepEffectRecord = z.object({ stepId: z.string(), summary: z.string(), changes: z.array(plannedChangeSchema) });

export const approvalRecord = z
  .looseObject({
    stepId: z.string(),
    action: z.string(),
    impact: z.enum(IMPACTS),
    input: z.unknown(),
    inputsHash: z.string(),
    shown: z.record(z.string(), z.unknown()).optional(),
    /** `shown` under its name in histories recorded before the rename. */
    evidence: z.record(z.string(), z.unknown()).optional(),
    effects: z.array(stepEffectRecord).default([]),
    approvers: z.array(z.string()),
    required: z.number(),
    requestedAt: z.string(),
    deadline: z.string(),
    escalated: z.boolean(),
    decisions: z.array(decisionRecord),
    status: z.enum(['pending', 'approved', 'rejected']),
  })
  .transform(({ evidence, shown, ...approval }) => ({ ...approval, shown: shown ?? evidence ?? {} }));
export type ApprovalRecord = z.infer<typeof approvalRecord>;

const stepStateRecord = z.looseObject({
  id: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
});

/** `RunState` as the notifier receives it: the run's state at the moment of each event. */
export const runStateRecord = z.looseObject({
  workflowId: z.string(),
  status: z.string(),
  steps: z.array(stepStateRecord),
  approvals: z.array(approvalRecord),
});
export type RunStateRecord = z.infer<typeof runStateRecord>;

/** The `cordon.notify` activity input. */
export const notifyRecord = z.object({
  event: z.looseObject({
    kind: z.string(),
    state: runStateRecord,
    approval: approvalRecord.optional(),
    channel: z.string().optional(),
  }),
});

/** The `decide` Update's argument (`ApprovalDecision`). */
/** The proof a decision carried (absent before decisions were verified). */
export const decisionProofRecord = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('slack'), body: z.string(), timestamp: z.string(), signature: z.string() }),
  z.object({
    kind: z.literal('key'),
    publicKey: z.string(),
    issuedAt: z.string(),
    nonce: z.string(),
    signature: z.string(),
  }),
]);

export const decisionArgsRecord = z.object({
  stepId: z.string(),
  decision: z.enum(['approve', 'reject']),
  approver: z.string(),
  inputsHash: z.string().optional(),
  reason: z.string().optional(),
  proof: decisionProofRecord.optional(),
});

/** The `alert` signal's argument (`evidence` before the rename). */
export const alertRecord = z.object({
  source: z.string(),
  reference: z.string().optional(),
  summary: z.string(),
  data: z.unknown().optional(),
});

/** `RunResult`: the workflow result, or the details of a PlaybookFailed failure. */
export const runResultRecord = z.looseObject({
  status: z.string(),
  steps: z.array(stepStateRecord),
});
export type RunResultRecord = z.infer<typeof runResultRecord>;

/** The `cordon.resolve_approvers` activity input. */
export const approverSetRecord = approverSet;
export const approverListRecord = z.array(z.string());

/** Parses a record, reporting (not throwing) what did not match. */
export function readRecord<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
  warn: (message: string) => void,
): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  warn(`${what} does not have the expected shape (${issue?.path.join('.') || 'value'}: ${issue?.message})`);
  return undefined;
}
