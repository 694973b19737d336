/** Starts a run of a compiled playbook: validates inputs first, so a mistake starts nothing. */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { AesGcmCodec } from '../codec/aes-gcm-codec';
import { codecsOf } from '../codec/data-converter';
import { hashValue } from '../dsl/canonical-json';
import { validateRunInputs } from '../dsl/inputs';
import type { Plan } from '../dsl/plan';
import {
  INCIDENT,
  missingSearchAttribute,
  PLAYBOOK,
  SearchAttributesMissingError,
  SUBJECT,
  TRIGGER_KIND,
} from '../temporal/search-attributes';
import type { RunPlaybookInput, UndoOf } from '../workflows/run-input';
import type { runPlaybook } from '../workflows/run-playbook';
import type { SignedRequest } from '../workflows/messages';
import type { Trigger } from '../workflows/run-state';
import { runDetails, runSummary } from './run-summary';
import { planDedupeKey, subjectOf, workflowIdFor, type DedupeKey } from './workflow-id';

export interface StartRunOptions {
  plan: Plan;
  /** Inputs as given (strings from a command line are coerced by type). */
  inputs: Record<string, unknown>;
  requester: string;
  trigger: Trigger;
  /** For a run started from Slack: the slash command as Slack signed it; the worker refuses the run without it. */
  slackRequest?: SignedRequest;
  taskQueue: string;
  incidentId?: string;
  /**
   * The key already derived where its template lives (a detection's trigger may read the event); without it, the
   * playbook's own `dedupe` template is evaluated over the validated inputs.
   */
  dedupeKey?: DedupeKey;
  /** A retry of a run over the items it did not complete (see `runs/retry-run.ts`). */
  retry?: { of: string; items: unknown[] };
  /** The undo of a run (see `runs/undo-run.ts`): its id is the run's, with `/undo`. */
  undo?: UndoOf;
}

export interface StartedRun {
  handle: WorkflowHandle<typeof runPlaybook>;
  workflowId: string;
  /** False when a run with the same id was already running and this start joined it. */
  started: boolean;
}

export async function startRun(client: Client, options: StartRunOptions): Promise<StartedRun> {
  const { plan } = options;
  const inputs = validateRunInputs(plan, options.inputs);
  const key = options.dedupeKey ?? planDedupeKey(plan, inputs);
  // With the payload codec, ids and search attributes (which the server must read, so cannot be encrypted) carry
  // keyed pseudonyms of the subject instead of the login or domain itself.
  const codec = codecsOf(client).find((candidate) => candidate instanceof AesGcmCodec);
  const workflowId = options.undo
    ? `${options.undo.of}/undo`
    : options.retry
      ? `${options.retry.of}/retry-${hashValue(options.retry.items).slice(0, 12)}`
      : codec
        ? `cordon/${plan.id}/~${codec.pseudonym(key.segment)}`
        : workflowIdFor(plan, key);
  const subject = subjectOf(plan, inputs);
  const searchableSubject = subject && codec ? `~${codec.pseudonym(subject.toLowerCase())}` : subject;
  const args: RunPlaybookInput = {
    plan,
    inputs,
    requester: options.requester,
    trigger: options.trigger,
    ...(options.slackRequest ? { slackRequest: options.slackRequest } : {}),
    subject,
    incidentId: options.incidentId,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.undo ? { undo: options.undo } : {}),
  };
  const description = {
    plan,
    subject,
    incidentId: options.incidentId,
    requester: options.requester,
    trigger: options.trigger,
    retryOf: options.retry?.of,
    undoOf: options.undo?.of,
  };
  // One request: the server refuses a second run under an id that is running, which is how a duplicate start learns
  // it joined (no describe before the start, on the critical path of every containment; issue 11, B2). Two starts
  // racing are told apart by the server too: exactly one of them starts the run.
  try {
    const handle = await client.workflow.start<typeof runPlaybook>('runPlaybook', {
      taskQueue: options.taskQueue,
      workflowId,
      args: [args],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      staticSummary: runSummary(description),
      staticDetails: runDetails(description),
      memo: {
        playbook: plan.id,
        version: plan.version,
        sha256: plan.sha256,
        requester: options.requester,
        trigger: options.trigger,
        // The exact key behind the id, which shows only a hash of it when the key holds unsafe characters.
        dedupeKey: key.value,
        ...(options.retry ? { retryOf: options.retry.of } : {}),
        ...(options.undo ? { undoOf: options.undo.of } : {}),
      },
      typedSearchAttributes: [
        { key: PLAYBOOK, value: plan.id },
        { key: TRIGGER_KIND, value: options.trigger.kind },
        ...(searchableSubject ? [{ key: SUBJECT, value: searchableSubject }] : []),
        ...(options.incidentId ? [{ key: INCIDENT, value: options.incidentId }] : []),
      ],
    });
    return { handle, workflowId, started: true };
  } catch (error) {
    const attribute = missingSearchAttribute(error);
    if (attribute) throw new SearchAttributesMissingError(client.options.namespace, attribute);
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    // The same containment is running: join it (the handle follows the run under that id).
    return { handle: client.workflow.getHandle<typeof runPlaybook>(workflowId), workflowId, started: false };
  }
}
