/**
 * One okta-account-compromise run as the campaign drives it: a fresh victim in the local Okta, a run started as the
 * CLI starts one, the responder's signed approval sent as soon as the run asks for it (again if the worker that should
 * take it was killed), and the outcome read at the local Okta's change log, never from cordon's own record.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { startRun } from '../../runs/start-run';
import type { OktaStandIn } from '../../stand-ins/okta';
import { statusQuery } from '../../workflows/messages';
import type { RunState } from '../../workflows/run-state';
import { decide } from '../support/people';
import type { AccountWorld } from './account-world';

/** The containment writes one run makes, each exactly once. */
export const CONTAINMENT_WRITES = ['revokeUserSessions', 'revokeUserGrants', 'resetFactors', 'suspendUser'] as const;

export interface Victim {
  id: string;
  login: string;
}

export function addVictim(okta: OktaStandIn, login: string): Victim {
  const user = okta.addUser({
    login,
    sessions: 2,
    factors: ['sms', 'token:software:totp'],
    apps: ['0oaslack', '0oagithub'],
    groups: ['Engineering'],
  });
  return { id: user.id, login: user.profile.login };
}

export interface StartedAccountRun {
  victim: Victim;
  workflowId: string;
  handle: WorkflowHandle;
  startedAt: number;
}

export async function startAccountRun(world: AccountWorld, login: string): Promise<StartedAccountRun> {
  const victim = addVictim(world.okta, login);
  const startedAt = Date.now();
  const { handle, workflowId } = await startRun(world.client, {
    plan: world.plan,
    inputs: { login },
    requester: 'requester',
    trigger: { kind: 'cli' },
    taskQueue: world.taskQueue,
  });
  return { victim, workflowId, handle, startedAt };
}

/** How a run ended, as Temporal records it (read from the server, so it needs no worker). */
export type Closed = 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'TERMINATED' | 'CANCELLED' | 'CONTINUED_AS_NEW';

export interface DrivenRun {
  /** The workflow's close status, or `open` when it was still running at the deadline. */
  closed: Closed | 'open';
  /** The run's own status (`succeeded`, `failed`, …) from its last state, when it could be read. */
  runStatus?: string;
  /** Step failures by step id: the failure's type and message (what a responder would read). */
  stepErrors: Record<string, { type?: string; message: string }>;
  endedAt: number;
  approvalsSent: number;
}

async function closeStatus(client: Client, workflowId: string): Promise<{ closed: Closed | 'open'; at?: number }> {
  const description = await client.workflow.getHandle(workflowId).describe();
  const name = description.status.name;
  if (name === 'RUNNING' || name === 'UNSPECIFIED' || name === 'PAUSED' || name === 'UNKNOWN')
    return { closed: 'open' };
  return { closed: name, at: description.closeTime?.getTime() };
}

const finalSchema = z.object({
  status: z.string(),
  steps: z.array(
    z.object({ id: z.string(), error: z.object({ type: z.string().optional(), message: z.string() }).optional() }),
  ),
});

/**
 * What a closed run returned (or failed with: a failed run carries its result in the failure's details), read from
 * the server, so no worker needs to answer.
 */
async function finalResult(handle: WorkflowHandle): Promise<z.output<typeof finalSchema> | undefined> {
  try {
    return finalSchema.parse(await handle.result());
  } catch (error) {
    if (error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure) {
      const parsed = finalSchema.safeParse(error.cause.details?.[0]);
      if (parsed.success) return parsed.data;
    }
    return undefined;
  }
}

/** Reads the run's state, or nothing when no worker answers within `ms` (it may be dead). */
async function stateWithin(client: Client, handle: WorkflowHandle, ms: number): Promise<RunState | undefined> {
  try {
    return await client.withDeadline(Date.now() + ms, () => handle.query(statusQuery));
  } catch {
    return undefined;
  }
}

/**
 * Drives a run to its end: approves the lock-down (or the `gates` given) as `responder` whenever it waits for a
 * decision, until Temporal says the run closed or `deadlineMs` passes. Approval attempts that meet a dead worker are simply sent again.
 */
export async function driveAccountRun(
  client: Client,
  run: StartedAccountRun,
  deadlineMs: number,
  options: { approve?: boolean; gates?: readonly string[] } = {},
): Promise<DrivenRun> {
  const approve = options.approve ?? true;
  const gates = options.gates ?? ['factors'];
  const deadline = run.startedAt + deadlineMs;
  let approvalsSent = 0;
  let closed: Closed | 'open' = 'open';
  let closedAt: number | undefined;
  let last: RunState | undefined;
  while (Date.now() < deadline) {
    const status = await closeStatus(client, run.workflowId).catch(() => ({ closed: 'open' as const, at: undefined }));
    closed = status.closed;
    closedAt = status.at;
    if (closed !== 'open') break;
    const state = await stateWithin(client, run.handle, 3_000);
    if (state) last = state;
    const pending = state?.approvals.find(
      (approval) => gates.includes(approval.stepId) && approval.status === 'pending',
    );
    if (approve && pending) {
      approvalsSent += 1;
      await client
        .withDeadline(Date.now() + 5_000, () =>
          decide(client, run.workflowId, {
            stepId: pending.stepId,
            decision: 'approve',
            approver: 'responder',
            inputsHash: pending.inputsHash,
          }),
        )
        .catch(() => undefined);
    }
    await sleep(100);
  }
  // When Temporal closed the run (the driver notices later, after a query that may have waited for a dead worker).
  const endedAt = closedAt ?? Date.now();
  const final = closed === 'open' ? last : await finalResult(run.handle);
  const stepErrors: DrivenRun['stepErrors'] = {};
  for (const step of final?.steps ?? []) {
    if (step.error) stepErrors[step.id] = { type: step.error.type, message: step.error.message };
  }
  return { closed, runStatus: final?.status, stepErrors, endedAt, approvalsSent };
}

export interface OktaOutcome {
  /** Each containment write's count in the local Okta's change log for this victim. */
  writes: Record<(typeof CONTAINMENT_WRITES)[number], number>;
  /** Writes made more than once. */
  doubled: string[];
  /** Writes never made. */
  missing: string[];
  /** Changes to this victim that are not containment writes. */
  unexpected: string[];
  /** The victim is suspended, with no session, grant or factor left. */
  contained: boolean;
}

/** What the local Okta says happened to `victim`: its change log and its state, nothing of cordon's. */
export function oktaOutcome(okta: OktaStandIn, victim: Victim): OktaOutcome {
  const mine = okta.changes.filter(
    (change) => change.target === victim.id || change.target.startsWith(`${victim.id}/`),
  );
  const count = (kind: string) => mine.filter((change) => change.kind === kind).length;
  const writes = {
    revokeUserSessions: count('revokeUserSessions'),
    revokeUserGrants: count('revokeUserGrants'),
    resetFactors: count('resetFactors'),
    suspendUser: count('suspendUser'),
  };
  const known: readonly string[] = CONTAINMENT_WRITES;
  const contained =
    okta.user(victim.id)?.status === 'SUSPENDED' &&
    okta.state.sessionsOf(victim.id).length === 0 &&
    okta.state.grantsOf(victim.id).length === 0 &&
    okta.state.factorsOf(victim.id).length === 0;
  return {
    writes,
    doubled: CONTAINMENT_WRITES.filter((kind) => writes[kind] > 1),
    missing: CONTAINMENT_WRITES.filter((kind) => writes[kind] === 0),
    unexpected: [...new Set(mine.filter((change) => !known.includes(change.kind)).map((change) => change.kind))],
    contained,
  };
}

/**
 * The inputs hash of the run's lock-down approval (step `factors`) once it waits: what a responder's decision names.
 * Each status query has a deadline of its own, so a server or worker that is away is asked again rather than waited on.
 */
export async function pendingLockDownHash(
  world: AccountWorld,
  run: StartedAccountRun,
  deadlineMs = 120_000,
): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const state = await world.client
      .withDeadline(Date.now() + 3_000, () => run.handle.query(statusQuery))
      .catch(() => undefined);
    const pending = state?.approvals.find((approval) => approval.stepId === 'factors' && approval.status === 'pending');
    if (pending) return pending.inputsHash;
    await sleep(100);
  }
  throw new Error(`${run.workflowId} never asked for its lock-down approval`);
}

/** How one run of a scenario ended: how it closed, and what the local Okta saw happen to its victim. */
export interface RunSample {
  closed: string;
  runStatus?: string;
  /** From the run's start to its close. */
  totalMs: number;
  writes: Record<string, number>;
  doubled: string[];
  missing: string[];
  contained: boolean;
}

export function runSample(run: StartedAccountRun, driven: DrivenRun, outcome: OktaOutcome): RunSample {
  return {
    closed: driven.closed,
    runStatus: driven.runStatus,
    totalMs: driven.endedAt - run.startedAt,
    writes: outcome.writes,
    doubled: outcome.doubled,
    missing: outcome.missing,
    contained: outcome.contained,
  };
}

export function succeeded(sample: RunSample): boolean {
  return sample.closed === 'COMPLETED' && sample.runStatus === 'succeeded';
}

/**
 * What every scenario counts as wrong with a run: it did not succeed (`note` says more), a containment write was made
 * twice or never, or the account is not contained.
 */
export function runFailures(where: string, sample: RunSample, note = ''): string[] {
  const failures: string[] = [];
  if (!succeeded(sample))
    failures.push(`${where}: ${sample.closed}, run status ${sample.runStatus ?? 'unknown'}${note}`);
  if (sample.doubled.length > 0) failures.push(`${where}: made twice at Okta: ${sample.doubled.join(', ')}`);
  if (sample.missing.length > 0) failures.push(`${where}: never made at Okta: ${sample.missing.join(', ')}`);
  if (!sample.contained) failures.push(`${where}: the account is not contained`);
  return failures;
}
