/** The built-in `core.*` actions: for demos, tests and glue between steps. */
import { z } from 'zod';
import { defineAction } from '../action';

export const coreLog = defineAction({
  name: 'core.log',
  description: 'Write a message (and optional fields) to the run log; returns them, so later steps can use them.',
  impact: 'read',
  input: z.object({
    message: z.string().min(1).describe('What to log.'),
    fields: z.record(z.string(), z.unknown()).default({}).describe('Extra structured fields.'),
  }),
  output: z.object({ message: z.string(), fields: z.record(z.string(), z.unknown()) }),
});

export const coreWait = defineAction({
  name: 'core.wait',
  description: 'Wait for a while, heartbeating, and stop at once if the run is cancelled.',
  impact: 'read',
  input: z.object({
    seconds: z.number().min(0).max(86_400).describe('How long to wait.'),
  }),
  output: z.object({ waitedMs: z.number() }),
});

export const coreFail = defineAction({
  name: 'core.fail',
  description: 'Fail on purpose: always, or only the first N attempts (to show retries and undo).',
  impact: 'read',
  input: z.object({
    message: z.string().default('failed on purpose'),
    /** When set, attempts after this many succeed: a flaky call that a retry fixes. */
    failAttempts: z.number().int().min(1).optional().describe('Fail only this many attempts, then succeed.'),
  }),
  output: z.object({ attempts: z.number() }),
});

export const coreActions = [coreLog, coreWait, coreFail] as const;
