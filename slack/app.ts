/**
 * The Bolt app: the slash command and the approval buttons, over Bolt's HTTP receiver. Bolt verifies every request
 * against the signing secret (a bad signature, or a timestamp more than five minutes off, gets 401 before any handler
 * runs); handlers acknowledge first (Slack waits three seconds at most) and answer through the response_url after.
 */
import type { RequestListener } from 'node:http';
import {
  App,
  HTTPReceiver,
  LogLevel,
  type BlockAction,
  type BufferedIncomingMessage,
  type ButtonAction,
  type Logger,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config/slack';
import { decideFromClick } from './approvals';
import { APPROVE_ACTION, REASON_ACTION, REASON_BLOCK, REJECT_ACTION } from './blocks';
import { slackClientOptions, type SlackClientOptions } from './client';
import { answerCommand, type SlackAppDeps } from './commands';
import { describeSlackError } from './errors';
import type { SignedSlackRequest } from './signed-request';
import { errorMessage } from '../activities/error-message';

/** Where Slack sends slash commands and interactions (the Request URL of both in the Slack app's settings). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Thrown when Slack refuses the bot token at start (`auth.test`). */
export class SlackAuthError extends Error {
  override readonly name = 'SlackAuthError';
}

export interface SlackAppOptions extends Omit<SlackAppDeps, 'command' | 'permissions' | 'defaultChannel' | 'warn'> {
  config: SlackConfig;
  /** Options of the app's Web API client (tests give few retries). */
  client?: SlackClientOptions;
  /** @default console.warn */
  warn?: (message: string) => void;
  /**
   * Bolt's own log level; its warnings (a refused signature) go to `warn`.
   * @default LogLevel.WARN
   */
  logLevel?: LogLevel;
}

export interface SlackApp {
  app: App;
  client: WebClient;
  /** Paths the listener serves (POST). */
  paths: string[];
  /** Bolt's listener: verifies, acknowledges and dispatches one request. */
  listener: RequestListener;
}

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/** Bolt's log as lines through `write`; request bodies are never logged at these levels. */
function boltLogger(write: (line: string) => void, initial: LogLevel): Logger {
  let level = initial;
  let name = 'slack';
  const at =
    (entry: LogLevel) =>
    (...parts: unknown[]) => {
      if (ORDER.indexOf(entry) < ORDER.indexOf(level)) return;
      write(`cordon ${name} ${entry}: ${parts.map((part) => errorMessage(part)).join(' ')}`);
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    setLevel: (next) => (level = next),
    getLevel: () => level,
    setName: (next) => (name = next),
  };
}

/** The body and signature headers of a request Bolt has buffered and verified, or undefined if one is missing. */
function signedRequestOf(request: BufferedIncomingMessage): SignedSlackRequest | undefined {
  const timestamp = request.headers['x-slack-request-timestamp'];
  const signature = request.headers['x-slack-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return undefined;
  return { body: request.rawBody.toString('utf8'), timestamp, signature };
}

function isSignedRequest(value: unknown): value is SignedSlackRequest {
  if (typeof value !== 'object' || value === null) return false;
  const { body, timestamp, signature } = value as Record<string, unknown>;
  return typeof body === 'string' && typeof timestamp === 'string' && typeof signature === 'string';
}

function reasonOf(body: BlockAction): string | undefined {
  return body.state?.values?.[REASON_BLOCK]?.[REASON_ACTION]?.value ?? undefined;
}

/** Builds the app and checks its token with Slack (`auth.test`). */
export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { config } = options;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const logger = boltLogger(warn, options.logLevel ?? LogLevel.WARN);
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    logger,
    // The raw signed request goes on to the run, whose worker checks Slack's signature itself.
    customPropertiesExtractor: (request) => ({ signedRequest: signedRequestOf(request) }),
  });
  const app = new App({
    receiver,
    token: config.botToken,
    logger,
    clientOptions: slackClientOptions(config, options.client),
    deferInitialization: true,
  });
  try {
    await app.init();
  } catch (error) {
    throw new SlackAuthError(
      `Slack refused the bot token (auth.test: ${describeSlackError(error)}); check SLACK_BOT_TOKEN`,
    );
  }

  const deps: SlackAppDeps = {
    temporal: options.temporal,
    taskQueue: options.taskQueue,
    plans: options.plans,
    directory: options.directory,
    command: config.command,
    permissions: config.runPermissions,
    defaultChannel: config.defaultChannel,
    warn,
  };

  app.command(config.command, async ({ ack, command, respond }) => {
    await ack();
    await respond(await answerCommand(deps, command));
  });

  for (const [actionId, decision] of [
    [APPROVE_ACTION, 'approve'],
    [REJECT_ACTION, 'reject'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client, context }) => {
      await ack();
      const signed: unknown = context.signedRequest;
      const outcome = await decideFromClick(deps, {
        decision,
        userId: body.user.id,
        value: action.value,
        reason: reasonOf(body),
        signedRequest: isSignedRequest(signed) ? signed : undefined,
      });
      if (outcome.kind === 'refused') {
        await respond({ response_type: 'ephemeral', replace_original: false, text: outcome.text });
        return;
      }
      const container = body.container as { channel_id?: unknown } | undefined;
      const channel =
        body.channel?.id ?? (typeof container?.channel_id === 'string' ? container.channel_id : undefined);
      const ts = body.message?.ts;
      if (outcome.message && channel && ts) {
        try {
          await client.chat.update({ channel, ts, text: outcome.message.text, blocks: outcome.message.blocks });
          return;
        } catch (error) {
          warn(`cordon: decision recorded, but the message could not be updated: ${describeSlackError(error)}`);
        }
      }
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Recorded: step ${outcome.approval.stepId} is ${outcome.approval.status}.`,
      });
    });
  }

  app.error(async (error) => {
    warn(`cordon: the Slack app failed to handle a request: ${error.message}`);
  });

  return { app, client: app.client, paths: [SLACK_EVENTS_PATH], listener: receiver.requestListener };
}
