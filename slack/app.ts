/**
 * The Bolt app: the slash command and the approval buttons, over Bolt's HTTP receiver. Given the signing secret, Bolt
 * verifies every request (a bad signature, or a timestamp more than five minutes off, gets 401 before any handler
 * runs). Without it, serve holds nothing that can sign a click: it refuses cheaply what Slack never sends
 * (`unverified-intake.ts`) and forwards the rest, with Slack's signature, to the runs, whose worker verifies them.
 * In both cases the worker verifies again. Handlers acknowledge first (Slack waits three seconds at most) and answer
 * through the response_url after, if it is Slack's.
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
import { APPROVE_ACTION, REASON_ACTION, REASON_BLOCK, REJECT_ACTION } from './decision-buttons';
import { slackClientOptions, type SlackClientOptions } from './client';
import { answerCommand, type SlackAppDeps } from './commands';
import { describeSlackError } from './errors';
import { isSlackResponseUrl } from './response-url';
import type { SignedSlackRequest } from './signed-request';
import { errorMessage } from '../activities/error-message';
import { createUnverifiedIntake, DEFAULT_INTAKE_LIMITS, type IntakeLimits } from './unverified-intake';

/** Where Slack sends slash commands and interactions (the Request URL of both in the Slack app's settings). */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Thrown when Slack refuses the bot token at start (`auth.test`). */
export class SlackAuthError extends Error {
  override readonly name = 'SlackAuthError';
}

export interface SlackAppOptions extends Omit<
  SlackAppDeps,
  'command' | 'permissions' | 'defaultChannel' | 'warn' | 'verifiesRequests'
> {
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
  /** Limits on requests serve cannot verify (without the signing secret). @default DEFAULT_INTAKE_LIMITS */
  intake?: IntakeLimits;
}

export interface SlackApp {
  app: App;
  client: WebClient;
  /** Paths the listener serves (POST). */
  paths: string[];
  /** Bolt's listener: verifies (or, without the secret, screens), acknowledges and dispatches one request. */
  listener: RequestListener;
  /** Whether serve verifies Slack's signature itself (it holds the signing secret), or leaves that to the worker. */
  verifiesRequests: boolean;
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
  const verifiesRequests = config.signingSecret !== undefined;
  const limits = options.intake ?? DEFAULT_INTAKE_LIMITS;
  const receiver = new HTTPReceiver({
    signingSecret: config.signingSecret ?? '',
    signatureVerification: verifiesRequests,
    bodyLimit: verifiesRequests ? undefined : limits.maxBodyBytes,
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
    verifiesRequests,
    warn,
  };
  /** Answers on the request's response_url only if it is Slack's: an unverified body may name any URL. */
  const answerable = (responseUrl: string | undefined): boolean => {
    if (isSlackResponseUrl(responseUrl, config.apiUrl)) return true;
    warn(`cordon: not answering a Slack request whose response_url is not Slack's`);
    return false;
  };

  app.command(config.command, async ({ ack, command, respond, context }) => {
    await ack();
    if (!answerable(command.response_url)) return;
    const signed: unknown = context.signedRequest;
    await respond(
      await answerCommand(deps, { ...command, signedRequest: isSignedRequest(signed) ? signed : undefined }),
    );
  });

  for (const [actionId, decision] of [
    [APPROVE_ACTION, 'approve'],
    [REJECT_ACTION, 'reject'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client, context }) => {
      await ack();
      if (!answerable(body.response_url)) return;
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

  const intake = verifiesRequests ? undefined : createUnverifiedIntake(limits);
  const listener: RequestListener = intake
    ? (req, res) => {
        const verdict = intake(req.headers);
        if (verdict.admitted) return receiver.requestListener(req, res);
        warn(`cordon: refused an unverified Slack request: ${verdict.problem}`);
        res.writeHead(verdict.status, {
          'content-type': 'application/json; charset=utf-8',
          ...(verdict.retryAfterSeconds === undefined ? {} : { 'retry-after': String(verdict.retryAfterSeconds) }),
        });
        res.end(JSON.stringify({ error: verdict.problem }));
        req.resume();
      }
    : receiver.requestListener;
  return { app, client: app.client, paths: [SLACK_EVENTS_PATH], listener, verifiesRequests };
}
