/**
 * cordon in Slack: the Bolt app (slash command, approval buttons), the notifier that posts and updates a run's
 * messages, Slack user groups as approver groups, and the HTTP server that `cordon serve` runs.
 */
export { createSlackApp, SLACK_EVENTS_PATH, SlackAuthError, type SlackApp, type SlackAppOptions } from './app';
export { decideFromClick, type Click, type ClickOutcome } from './approvals';
export {
  APPROVE_ACTION,
  REASON_ACTION,
  REASON_BLOCK,
  REJECT_ACTION,
  approvalMessage,
  decodeDecision,
  encodeDecision,
  progressMessage,
  statusMessage,
  summaryMessage,
  type DecisionReference,
  type SlackMessage,
} from './blocks';
export { createSlackWebClient, slackClientOptions, type SlackClientOptions } from './client';
export { parseCommandText, tokenize, unformatSlackText, type ParsedCommand } from './command-text';
export { answerCommand, type CommandInvocation, type CommandReply, type SlackAppDeps } from './commands';
export { combineNotifiers } from '../activities/notify/combine';
export { createSlackDirectory, type SlackDirectoryOptions } from './directory';
export { describeSlackError, hasSlackCode, slackErrorCode, slackFailure } from './errors';
export { withSlack, type NotifyBase, type NotifyServices } from './worker-services';
export { createSlackNotifier, MESSAGE_EVENT_TYPE, runChannel, SLACK_REFS, type SlackNotifierOptions } from './notifier';
export { mayRun, type PermissionCheck } from './permissions';
export { playbookFolder, staticPlans, type PlanSource } from './plans';
export { HEALTH_PATH, startCordonServer, type CordonServer, type CordonServerOptions, type HttpRoute } from './server';
