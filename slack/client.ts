/**
 * The Web API client, from the configuration. Few retries of its own: in the worker, Temporal's activity retries wait
 * out an outage without holding a slot, and in the app a person is waiting for an answer.
 */
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { SlackConfig } from '../config/slack';

export interface SlackClientOptions {
  /**
   * Retries of one call by the client itself (after 0.5 s, 1 s, …).
   * @default 2
   */
  retries?: number;
  /**
   * Fail a rate-limited call at once (with its Retry-After) instead of waiting inside the client; the worker sets
   * this so the activity's retry does the waiting.
   * @default false
   */
  rejectRateLimitedCalls?: boolean;
  /**
   * Limit of one HTTP request.
   * @default 10000
   */
  timeoutMs?: number;
  /** @default LogLevel.WARN */
  logLevel?: LogLevel;
}

export function slackClientOptions(config: SlackConfig, options: SlackClientOptions = {}): WebClientOptions {
  return {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 5000, randomize: true },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    timeout: options.timeoutMs ?? 10_000,
    logLevel: options.logLevel ?? LogLevel.WARN,
  };
}

export function createSlackWebClient(config: SlackConfig, options: SlackClientOptions = {}): WebClient {
  return new WebClient(config.botToken, slackClientOptions(config, options));
}
