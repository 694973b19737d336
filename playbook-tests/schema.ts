/**
 * The playbook test language (`*.test.yaml` beside a playbook) as a zod schema: the single source for validation,
 * TypeScript types and the JSON Schema editors use (`cordon test --schema`). Checks that need the playbook (step ids,
 * action names, canned outputs against an action's output schema) live in `check.ts`.
 */
import { z } from 'zod';
import { indicatorsSchema } from '../config/hooks';
import { FAILURE_TYPES } from '../activities/errors';
import { domainName } from '../activities/takedown/specs';
import { SEEDS } from '../stand-ins/okta/seed';
import { USER_STATUSES } from '../stand-ins/okta/state';
import { TAKEDOWN_SEEDS } from './takedown-seeds';

const name = z.string().trim().min(1);
const personId = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._@-]*$/, 'must be a person id: letters, digits and . _ @ -')
  .describe('A person of the test, who signs decisions with a key made for this test run.');

/** Failures an action handler can raise; a canned one fails the step for good (no retry), whatever its type. */
const ACTION_FAILURE_TYPES = [
  FAILURE_TYPES.invalidInput,
  FAILURE_TYPES.notFound,
  FAILURE_TYPES.forbidden,
  FAILURE_TYPES.conflict,
  FAILURE_TYPES.rateLimited,
  FAILURE_TYPES.unavailable,
  FAILURE_TYPES.notVerified,
  FAILURE_TYPES.limitExceeded,
  FAILURE_TYPES.protectedNetwork,
  FAILURE_TYPES.protectedPrincipal,
] as const;

export const cannedResultSchema = z
  .strictObject({
    when: z
      .record(z.string(), z.json())
      .optional()
      .describe('Applies only to calls whose resolved input contains these fields (a partial match).'),
    output: z.json().optional().describe("What the action returns; checked against the action's output schema."),
    fail: z
      .strictObject({
        type: z.enum(ACTION_FAILURE_TYPES).describe('The failure type the run sees.'),
        message: name,
      })
      .optional()
      .describe('The action fails with this failure, without retries.'),
  })
  .refine((canned) => (canned.output === undefined) !== (canned.fail === undefined), {
    message: 'give either `output` or `fail`',
  })
  .describe("One canned answer of an action; the first whose `when` matches a call's input answers it.");

export const DECISIONS = ['approve', 'reject', 'timeout'] as const;

export const decisionSchema = z
  .union([
    z.enum(DECISIONS),
    z.strictObject({
      decision: z.enum(DECISIONS),
      by: personId.optional().describe('Who decides; by default the first approver asked whom the test knows.'),
      reason: z.string().trim().min(1).optional(),
    }),
  ])
  .transform((value) => (typeof value === 'string' ? { decision: value } : value))
  .describe('approve or reject (signed by a person of the test), or timeout (the gate waits out its timeout).');

export type GateDecision = z.output<typeof decisionSchema>;

const stepIds = z.array(z.union([name, z.array(name).min(1)]));

const approvalExpectation = z.strictObject({
  step: name,
  asked: z.array(personId).optional().describe('Who was asked first, in any order.'),
  escalatedTo: z.array(personId).optional().describe('Who was added when the gate escalated; [] for no escalation.'),
  outcome: z.enum(['approved', 'rejected', 'pending']).optional(),
  by: z.string().optional().describe('The person who decided, or `timeout`.'),
  shows: z
    .record(z.string(), z.json())
    .optional()
    .describe("What the approvers were shown (the gate's `show`), a partial match."),
});

const oktaChange = z.strictObject({
  change: name.describe('The Okta operation, e.g. suspendUser, resetFactors, replaceNetworkZone.'),
  target: name.describe("A user's login, a zone's name, or the id Okta gave."),
});

const takedownExpectation = z
  .strictObject({
    mail: z
      .array(z.strictObject({ to: z.email(), subject: name }))
      .optional()
      .describe('Exactly the e-mails the local SMTP server accepted, one per recipient, in any order.'),
    netcraft: z
      .array(domainName)
      .optional()
      .describe('Exactly the domains whose URLs were reported to the local Netcraft, in any order.'),
    cloudflare: z
      .array(domainName)
      .optional()
      .describe('Exactly the domains whose URLs were reported to the local Cloudflare, in any order.'),
  })
  .describe('What the local takedown stand-ins received.');

export const RUN_OUTCOMES = ['succeeded', 'failed', 'cancelled', 'not_started'] as const;

export const expectationSchema = z
  .strictObject({
    status: z
      .enum(RUN_OUTCOMES)
      .optional()
      .describe('How the run ends; not_started when a detection event starts no run.'),
    steps: stepIds
      .optional()
      .describe(
        'Exactly the steps that run, in order; [a, b] in brackets run in any order among themselves. A step starts ' +
          'only after every step listed before it has ended.',
      ),
    statuses: z
      .record(name, z.enum(['succeeded', 'failed', 'skipped', 'rejected', 'cancelled', 'undone']))
      .optional()
      .describe('The final status of these steps.'),
    inputs: z
      .record(name, z.json())
      .optional()
      .describe('The resolved inputs of these steps (a partial match; a forEach step has a list, one per item).'),
    outputs: z.record(name, z.json()).optional().describe('The outputs of these steps (a partial match).'),
    approvals: z
      .array(approvalExpectation)
      .optional()
      .describe('Exactly the approvals the run asked for, each with whom it asked and how it ended.'),
    okta: z
      .array(oktaChange)
      .optional()
      .describe('Exactly the changes the local Okta accepted (each distinct change once, in any order).'),
    takedown: takedownExpectation.optional(),
  })
  .describe('What must be true once the run has ended.');

export type Expectation = z.output<typeof expectationSchema>;

export const detectionSchema = z
  .strictObject({
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and -')
      .describe('okta, or the name of a signed-webhook source.'),
    event: z
      .record(z.string(), z.json())
      .describe('An Okta System Log event or event hook delivery, or a webhook body, as it would be received.'),
  })
  .describe("A detection event, run through the playbook's triggers as the receiver would.");

const userSeed = z.strictObject({
  login: z.email(),
  status: z.enum(USER_STATUSES).optional(),
  sessions: z.int().min(0).max(100).optional(),
  factors: z.array(z.enum(['token:software:totp', 'sms', 'push', 'email'])).optional(),
  apps: z.array(name).optional(),
  groups: z.array(name).optional(),
  roles: z.array(name).optional(),
});

const signIn = z.strictObject({
  login: z.email(),
  ipAddress: name,
  userAgent: z.string().optional(),
  minutesAgo: z.int().min(0).max(10_080).default(10).describe('When, before the case starts.'),
  outcome: z.enum(['SUCCESS', 'FAILURE']).optional(),
});

export const oktaStandInSchema = z
  .strictObject({
    seed: z.enum(SEEDS).default('empty').describe('A named seed of the local Okta: empty, or demo (a small org).'),
    users: z.array(userSeed).default([]).describe('More users.'),
    signIns: z.array(signIn).default([]).describe('More sign-ins in the System Log.'),
    zones: z
      .array(z.strictObject({ name, gateways: z.array(name).default([]), system: z.boolean().optional() }))
      .default([]),
  })
  .describe('The local Okta stand-in, reached through the real Okta SDK: okta.* actions run against it.');

const takedownDomain = z.union([
  domainName,
  z.strictObject({
    name: domainName,
    dns: z
      .enum(['answer', 'nxdomain', 'servfail'])
      .default('answer')
      .describe('How the local DNS answers for it: its records (127.0.0.1, where the fake sign-in is), or an error.'),
    abuseEmail: z
      .email()
      .nullable()
      .optional()
      .describe("The registrar's abuse e-mail in RDAP; null when RDAP lists none. Default: abuse@registrar.example."),
  }),
]);

export const takedownStandInSchema = z
  .strictObject({
    seed: z
      .enum(TAKEDOWN_SEEDS)
      .default('empty')
      .describe(
        'A named seed: empty, or oktapus (twilio-okta.com, twilio-sso.com, sendgrid-okta.org registered and up).',
      ),
    domains: z
      .array(takedownDomain)
      .default([])
      .describe('More look-alike domains, registered with Example Registrar and served by the local phishing site.'),
  })
  .describe(
    'The local DNS, RDAP, SMTP, phishing site, Netcraft and Cloudflare: takedown.* actions run against them for real.',
  );

export const testCaseSchema = z
  .strictObject({
    name,
    inputs: z.record(z.string(), z.json()).optional().describe('The run inputs, as `cordon run --input` takes them.'),
    detection: detectionSchema.optional(),
    requester: personId.optional().describe('Who starts the run (never an approver of it). Default: requester.'),
    okta: oktaStandInSchema.optional(),
    takedown: takedownStandInSchema.optional(),
    actions: z
      .record(name, z.union([cannedResultSchema, z.array(cannedResultSchema).min(1)]))
      .optional()
      .describe(
        'Canned answers by action name; every other action runs for real (core.*, okta.* with `okta`, takedown.* ' +
          'with `takedown`).',
      ),
    gates: z
      .record(name, z.union([decisionSchema, z.array(decisionSchema).min(1)]))
      .optional()
      .describe('The decisions at each gate, by step id; a list decides the gate, then its escalation.'),
    expect: expectationSchema,
  })
  .refine((test) => (test.inputs === undefined) !== (test.detection === undefined), {
    message: 'give either `inputs` or `detection`',
  });

export type TestCase = z.output<typeof testCaseSchema>;

export const testFileSchema = z
  .strictObject({
    playbook: z
      .string()
      .min(1)
      .optional()
      .describe('The playbook file, relative to this file; by default this file name without `.test`.'),
    approvers: z
      .record(name, z.array(personId).min(1))
      .default({})
      .describe('Approver groups (the names the playbook uses) and their people.'),
    indicators: indicatorsSchema.optional().describe('Indicator lists the triggers test events against.'),
    cases: z.array(testCaseSchema).min(1),
  })
  .describe('Tests of one playbook.');

export type TestFile = z.output<typeof testFileSchema>;
