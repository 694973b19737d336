/**
 * The playbook language as a zod schema: the single source for validation, TypeScript types and the JSON Schema that
 * editors use for completion (`cordon schema`). Checks that need the whole document or the action registry (references,
 * cycles, approvals of destructive steps) live in `lint.ts`.
 */
import { z } from 'zod';
import { isDuration } from './duration';
import { FAILURE_POLICIES, INPUT_TYPES, TIMEOUT_POLICIES } from './plan';

const SCALAR_INPUT_TYPES = INPUT_TYPES.filter((type) => type !== 'list') as [
  Exclude<(typeof INPUT_TYPES)[number], 'list'>,
  ...Exclude<(typeof INPUT_TYPES)[number], 'list'>[],
];

export const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration such as 30s, 5m, 2h or 1d' })
  .describe('A duration: 500ms, 30s, 5m, 2h, 1d, or a combination such as 1h30m.');

// JSON, because a plan is JSON: a YAML value that has no JSON form (.inf, a date) is caught at load time.
const template = z.json().describe('A value; strings may embed CEL expressions as ${{ expression }}.');

const identifier = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]*$/, 'must start with a lowercase letter and hold only letters, digits and _');

export const inputSchema = z
  .strictObject({
    type: z.enum(INPUT_TYPES).describe('The value type; `list` takes `of`, `enum` takes `values`.'),
    of: z.enum(SCALAR_INPUT_TYPES).optional().describe('Element type of a list.'),
    values: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('The allowed values of `type: enum`, or of the items of a list with `of: enum`.'),
    description: z.string().optional(),
    required: z.boolean().optional().describe('Defaults to true unless a default is given.'),
    default: z.unknown().optional(),
  })
  .describe('A playbook input, validated before a run starts.');

export const approverSetSchema = z
  .strictObject({
    users: z.array(z.string().min(1)).default([]).describe('Identities: Slack user ids, or names used with --as.'),
    groups: z.array(z.string().min(1)).default([]).describe('Groups (Slack user group handles), resolved when asked.'),
  })
  .refine((set) => set.users.length + set.groups.length > 0, { message: 'name at least one user or group' });

export const approvalSchema = z
  .strictObject({
    approvers: approverSetSchema,
    required: z.number().int().min(1).max(10).default(1).describe('Distinct approvers needed; one rejection rejects.'),
    timeout: duration.default('30m'),
    onTimeout: z.enum(TIMEOUT_POLICIES).default('reject'),
    escalation: z
      .strictObject({
        approvers: approverSetSchema,
        timeout: duration.default('30m'),
        channel: z.string().optional().describe('Where the escalation is posted (a Slack channel).'),
      })
      .optional()
      .describe('Who is asked when the first approvers do not answer in time (onTimeout: escalate).'),
    show: z
      .record(z.string(), template)
      .default({})
      .describe('What approvers are shown with the request: label → template.'),
    covers: z
      .array(z.string())
      .default([])
      .describe(
        'Later steps (needing this one) that this decision also approves: their inputs are shown and bound by the same hash.',
      ),
  })
  .describe('An approval gate: the step runs only once approved by authorised people other than the requester.');

export const retrySchema = z.strictObject({
  maximumAttempts: z.number().int().min(1).max(100).default(5),
  initialInterval: duration.default('1s'),
  backoffCoefficient: z.number().min(1).max(10).default(2),
  maximumInterval: duration.default('1m'),
});

const unattendedSchema = z.strictObject({ reason: z.string().min(10) });

export const undoSchema = z.strictObject({
  action: z.string(),
  with: z.record(z.string(), template).default({}),
  approval: approvalSchema
    .optional()
    .describe('A gate the undo waits on before it runs; required when the undo action is destructive.'),
  unattended: unattendedSchema
    .optional()
    .describe('Run a destructive undo action without approval, for the stated reason (recorded in the run).'),
});

export const stepSchema = z
  .strictObject({
    id: identifier.describe('Unique step id; later steps read `steps.<id>.output`.'),
    name: z.string().optional().describe('A human title.'),
    action: z.string().describe('A registered action, e.g. okta.suspend_user (see `cordon actions`).'),
    with: z.record(z.string(), template).default({}).describe("The action's input; values may be templates."),
    needs: z.array(z.string()).default([]).describe('Steps that must succeed first.'),
    if: z.string().optional().describe('A CEL condition; the step is skipped when false.'),
    forEach: z.string().optional().describe('A template yielding a list; the step runs once per `item`.'),
    concurrency: z.number().int().min(1).max(100).default(10).describe('How many forEach items run at once.'),
    timeout: duration.default('5m').describe('Timeout of one attempt.'),
    retry: retrySchema.default({
      maximumAttempts: 5,
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
    }),
    approval: approvalSchema.optional(),
    unattended: unattendedSchema
      .optional()
      .describe(
        'Run a destructive step without approval, or let its approval.onTimeout approve it, for the stated reason (recorded in every run).',
      ),
    undo: z
      .union([undoSchema, z.literal(false)])
      .optional()
      .describe("How to reverse this step; false disables the action's default."),
    onFailure: z.enum(FAILURE_POLICIES).optional(),
  })
  .describe('A step: one action, run when its `needs` have succeeded.');

export const triggerSchema = z
  .strictObject({
    detection: z
      .string()
      .min(1)
      .describe('The detection source: `okta` for Okta event hooks, or a webhook source name.'),
    when: z.string().describe('A CEL condition over `event` (and `indicators`).'),
    inputs: z.record(z.string(), template).default({}).describe("The playbook's inputs, as templates over `event`."),
    dedupe: z
      .string()
      .optional()
      .describe('A template over `inputs`: one run per key (defaults to the playbook dedupe).'),
  })
  .describe('Starts the playbook when a detection event matches.');

export const playbookSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes')
      .describe('Stable id; part of every workflow id.'),
    version: z.union([z.string(), z.number()]).transform(String).default('1'),
    title: z.string().min(1),
    description: z.string().optional(),
    inputs: z.record(identifier, inputSchema).default({}),
    subject: z.string().optional().describe('A template naming what is contained (searchable).'),
    dedupe: z.string().optional().describe('A template: one running containment per playbook and key.'),
    onFailure: z.enum(FAILURE_POLICIES).default('abort'),
    triggers: z.array(triggerSchema).default([]),
    steps: z.array(stepSchema).min(1, 'a playbook needs at least one step'),
  })
  .describe('A cordon containment playbook.');

export type Playbook = z.output<typeof playbookSchema>;
export type PlaybookStep = z.output<typeof stepSchema>;
export type PlaybookTrigger = z.output<typeof triggerSchema>;
export type PlaybookInput = z.output<typeof inputSchema>;
