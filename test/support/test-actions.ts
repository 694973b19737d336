/**
 * Test-only actions with every impact, recording each call in a ledger (a JSON-lines file, so a worker in another
 * process records into the same one). They let integration tests watch concurrency, approvals, undo order and
 * exactly-once completion without any outside service.
 */
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineAction, type ActionHandlers } from '../../activities/action';
import { ActionError, FAILURE_TYPES } from '../../activities/errors';

const target = z.object({
  target: z.string().describe('What to act on.'),
  holdMs: z.number().int().min(0).default(0).describe('How long the call takes.'),
  fail: z.boolean().default(false).describe('Fail instead of acting.'),
});
const result = z.object({ target: z.string(), changed: z.boolean() });

export const testMark = defineAction({
  name: 'test.mark',
  description: 'Marks a target (reversible).',
  impact: 'reversible',
  input: target,
  output: result,
  undo: { action: 'test.unmark', with: { target: '${{ input.target }}' } },
});
export const testUnmark = defineAction({
  name: 'test.unmark',
  description: 'Removes a mark (undo of test.mark).',
  impact: 'reversible',
  input: target,
  output: result,
});
export const testDestroy = defineAction({
  name: 'test.destroy',
  description: 'Destroys a target (destructive).',
  impact: 'destructive',
  input: target,
  output: result,
  undo: { action: 'test.restore', with: { target: '${{ input.target }}' } },
});
export const testRestore = defineAction({
  name: 'test.restore',
  description: 'Restores a destroyed target.',
  impact: 'destructive',
  input: target,
  output: result,
});
export const testRead = defineAction({
  name: 'test.read',
  description: 'Reads a target.',
  impact: 'read',
  input: target,
  output: result,
});

export const testActions = [testMark, testUnmark, testDestroy, testRestore, testRead] as const;

export interface LedgerEntry {
  action: string;
  target: string;
  activityId: string;
  attempt: number;
  phase: 'start' | 'end';
  at: number;
  pid: number;
}

export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerEntry);
}

export function createTestHandlers(ledgerFile: string): ActionHandlers<typeof testActions> {
  const act =
    (action: string) =>
    async (
      input: { target: string; holdMs: number; fail: boolean },
      context: { activityId: string; attempt: number; signal: AbortSignal; heartbeat(): void },
    ) => {
      const write = (phase: LedgerEntry['phase']) =>
        appendFileSync(
          ledgerFile,
          `${JSON.stringify({ action, target: input.target, activityId: context.activityId, attempt: context.attempt, phase, at: Date.now(), pid: process.pid })}\n`,
        );
      write('start');
      let left = input.holdMs;
      while (left > 0) {
        context.heartbeat();
        await sleep(Math.min(left, 200), undefined, { signal: context.signal });
        left -= 200;
      }
      if (input.fail) throw new ActionError(FAILURE_TYPES.deliberate, `${action} of ${input.target} failed on purpose`);
      write('end');
      return { target: input.target, changed: true };
    };
  return {
    'test.mark': act('test.mark'),
    'test.unmark': act('test.unmark'),
    'test.destroy': act('test.destroy'),
    'test.restore': act('test.restore'),
    'test.read': act('test.read'),
  };
}
