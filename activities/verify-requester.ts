/**
 * `cordon.verify_requester`: the worker's own check that a run started from Slack was asked for by the person it names.
 * `cordon serve` passes the slash command exactly as Slack signed it; the worker verifies Slack's signature with the
 * signing secret it holds, then reads from the signed body who typed it, where, and what: the run's requester, channel,
 * playbook and inputs must be those. So a serve without the secret (or a compromised one) cannot start a run in
 * someone's name, or another run than the one they typed, from Slack.
 */
import { z } from 'zod';
import { hashValue } from '../dsl/canonical-json';
import { InputError, validateRunInputs } from '../dsl/inputs';
import type { Plan } from '../dsl/plan';
import { parseCommandText } from '../slack/command-text';
import { SLACK_REQUEST_MAX_AGE_MS, slackSignatureProblem, type SignedSlackRequest } from '../slack/signed-request';

export interface VerifyRequesterInput {
  plan: Plan;
  /** The run's validated inputs. */
  inputs: Record<string, unknown>;
  requester: string;
  /** The Slack channel the run reports to. */
  channel?: string;
  /**
   * When the Temporal server started the run (`workflowInfo().runStartTime`), which no client chooses: the signed
   * command must be at most five minutes older or newer, however long the run then waited for a worker.
   */
  startedAt: string;
  /** The slash command as Slack signed it; absent, the run is refused. */
  request?: SignedSlackRequest;
}

export interface RequesterVerifierOptions {
  /** The Slack app's signing secret; without it no run started from Slack can be verified. */
  slackSigningSecret?: string;
}

const commandSchema = z.object({
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  text: z.string(),
});

/** Why the signed slash command does not match the run; undefined when it does. */
function mismatch(input: VerifyRequesterInput, form: URLSearchParams): string | undefined {
  const parsed = commandSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return 'the signed Slack request is not a slash command';
  const { user_id: userId, channel_id: channelId, text } = parsed.data;
  if (userId !== input.requester) {
    return `the signed slash command was typed by Slack user ${userId}, not by the run's requester ${input.requester}`;
  }
  if (input.channel !== undefined && channelId !== input.channel) {
    return `the signed slash command was typed in channel ${channelId}, not in the run's channel ${input.channel}`;
  }
  const command = parseCommandText(text);
  if (command.kind !== 'run') return 'the signed slash command does not start a run';
  if (command.playbook !== input.plan.id) {
    return `the signed slash command runs playbook ${command.playbook}, not ${input.plan.id}`;
  }
  let typed: Record<string, unknown>;
  try {
    typed = validateRunInputs(input.plan, command.inputs);
  } catch (error) {
    if (error instanceof InputError) return `the signed slash command's inputs do not fit ${input.plan.id}`;
    throw error;
  }
  if (hashValue(typed) !== hashValue(input.inputs)) return "the run's inputs are not those of the signed slash command";
  return undefined;
}

/** The problems with a Slack-started run's requester (none when Slack signed exactly this request). */
export function createRequesterVerifier(
  options: RequesterVerifierOptions,
): (input: VerifyRequesterInput) => Promise<string[]> {
  return async (input) => {
    if (!input.request) return ['the run says it was started from Slack, but carries no slash command signed by Slack'];
    if (!options.slackSigningSecret) {
      return ['this worker has no Slack signing secret (SLACK_SIGNING_SECRET), so it cannot verify a Slack request'];
    }
    const startedAt = Date.parse(input.startedAt);
    const signature = slackSignatureProblem(
      input.request,
      options.slackSigningSecret,
      startedAt,
      SLACK_REQUEST_MAX_AGE_MS,
    );
    if (signature) return [`when the run started, ${signature}`];
    const problem = mismatch(input, new URLSearchParams(input.request.body));
    return problem ? [problem] : [];
  };
}
