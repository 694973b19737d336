/**
 * Grants that let one change reach a protected account, signed by the worker. A grant is what the run's workflow code
 * hands an Okta action once a separate, verified approval named the account (workflows/protected-approvals.ts). The
 * action's second argument is only data, though: any workflow on the namespace (someone else's worker, on a queue of
 * its own) can schedule `okta.suspend_user` on cordon's task queue with a grant of its own making. So the handler
 * trusts a grant only when this worker signed it (HMAC-SHA256 with `CORDON_GRANT_KEY`, which never leaves the worker)
 * for exactly this call: this run, this activity (step and item), this input and this account.
 *
 * The worker signs in `cordon.sign_grants`, a local activity: local activities run only inside the worker that runs
 * the workflow task, so only cordon's own workflow code, in a `runPlaybook` run, can ask, and it asks only after the
 * approval named the account. Scheduled any other way (as an ordinary activity, from another workflow type), it
 * refuses.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { canonicalJson, hashValue } from '../dsl/canonical-json';
import type { ApprovedPrincipal } from './action';
import { FAILURE_TYPES } from './errors';

/** A grant as the handler receives it: signed by the worker for one call. */
export interface SignedPrincipal extends ApprovedPrincipal {
  signature: string;
}

/** A grant the boundary did not accept, and why (the refusal says so). */
export interface RefusedPrincipal {
  userId: string;
  problem: string;
}

export interface SignGrantsInput {
  /** The activity id the grants are for (`suspend`, `suspend[3]`). */
  activityId: string;
  /** The input the change is called with. */
  input: unknown;
  grants: ApprovedPrincipal[];
}

export interface GrantServices {
  /** Signs grants for one call of the run's own change; refused unless asked by a run's workflow code. */
  'cordon.sign_grants'(input: SignGrantsInput): Promise<SignedPrincipal[]>;
}

/** What one call is: a grant signed for it is good for it alone. */
interface CallBinding {
  workflowId: string;
  runId: string;
  activityId: string;
  inputHash: string;
}

function signatureOf(key: Uint8Array, call: CallBinding, grant: ApprovedPrincipal): string {
  const signed = { ...call, userId: grant.userId, approval: grant.approval, by: grant.by };
  return createHmac('sha256', key).update(canonicalJson(signed)).digest('base64url');
}

export function createGrantServices(key: Uint8Array): GrantServices {
  return {
    'cordon.sign_grants': async ({ activityId, input, grants }) => {
      const { info } = Context.current();
      const execution = info.workflowExecution;
      if (!info.isLocal || info.workflowType !== 'runPlaybook' || !execution) {
        throw ApplicationFailure.nonRetryable(
          `cordon.sign_grants signs only for a run's own workflow code (a local activity of a runPlaybook run), not for ${info.workflowType ?? 'no workflow'}${info.isLocal ? '' : ' scheduling it as an ordinary activity'}`,
          FAILURE_TYPES.forbidden,
        );
      }
      const call = {
        workflowId: execution.workflowId,
        runId: execution.runId,
        activityId,
        inputHash: hashValue(input),
      };
      return grants.map((grant) => ({ ...grant, signature: signatureOf(key, call, grant) }));
    },
  };
}

/** The protected accounts of an action's second argument, as the run's workflow code passes them. */
const principalPassSchema = z.object({
  principals: z.array(
    z.object({
      userId: z.string().min(1),
      approval: z.string().min(1),
      by: z.string().min(1),
      signature: z.string().optional(),
    }),
  ),
});

export interface CheckedGrants {
  approved: ApprovedPrincipal[];
  refused: RefusedPrincipal[];
}

/** Sorts the grants an action was called with: those this worker signed for this very call, and the others. */
export type GrantChecker = (pass: unknown, input: unknown) => CheckedGrants;

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createGrantChecker(key: Uint8Array): GrantChecker {
  return (pass, input) => {
    const parsed = principalPassSchema.safeParse(pass);
    if (!parsed.success) return { approved: [], refused: [] };
    const { info } = Context.current();
    const execution = info.workflowExecution;
    const checked: CheckedGrants = { approved: [], refused: [] };
    for (const { signature, ...grant } of parsed.data.principals) {
      if (!signature) {
        checked.refused.push({ userId: grant.userId, problem: 'it is not signed by the worker' });
        continue;
      }
      const call = execution && {
        workflowId: execution.workflowId,
        runId: execution.runId,
        activityId: info.activityId,
        inputHash: hashValue(input),
      };
      if (call && sameSignature(signature, signatureOf(key, call, grant))) {
        checked.approved.push(grant);
      } else {
        checked.refused.push({
          userId: grant.userId,
          problem: 'its signature is not the worker’s for this run, step, input and account',
        });
      }
    }
    return checked;
  };
}

/** Refuses every grant: a boundary without the worker's key trusts none. */
export const refuseAllGrants: GrantChecker = (pass) => {
  const parsed = principalPassSchema.safeParse(pass);
  const principals = parsed.success ? parsed.data.principals : [];
  return {
    approved: [],
    refused: principals.map(({ userId }) => ({ userId, problem: 'this worker holds no key to check it' })),
  };
};
