/**
 * The Slack section of the configuration (bot token, signing secret, slash command, default channel, who may run
 * which playbook) and the HTTP server's port. Parsed once in the composition root; `slackConfigFromEnv` returns
 * undefined when Slack is not configured, so the worker and `cordon serve` run without it. Secrets are never echoed in
 * errors.
 */
import { z } from 'zod';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';

/** Every variable the Slack section reads (see `variables.ts`): add one here when the section reads it. */
export const SLACK_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
  'SLACK_COMMAND',
  'SLACK_DEFAULT_CHANNEL',
  'SLACK_RUN_PERMISSIONS',
] as const;

/** The variables of the HTTP section. */
export const HTTP_VARIABLES = ['CORDON_HTTP_PORT'] as const;

/** Slack user ids and user-group handles allowed to start a playbook from Slack. */
export const runPermissionSchema = z.object({
  users: z.array(z.string().min(1)).default([]),
  groups: z.array(z.string().min(1)).default([]),
});

/** Playbook id (or `*` for any playbook without an entry of its own) → who may run it. */
export const runPermissionsSchema = z.record(z.string().min(1), runPermissionSchema);

export type RunPermissions = z.output<typeof runPermissionsSchema>;

export const slackConfigSchema = z.object({
  /** The bot token (`xoxb-…`), for the Web API. */
  botToken: z.string().min(1),
  /**
   * The app's signing secret. The worker verifies every Slack click and every run started from Slack with it; `cordon
   * serve` with it also refuses unsigned requests itself, and without it forwards them to the worker to verify, so a
   * compromised serve host holds nothing that signs a click.
   */
  signingSecret: z.string().min(1).optional(),
  /**
   * Base URL of the Web API; only the local stand-in needs another one.
   * @default https://slack.com/api/
   */
  apiUrl: z
    .url()
    .transform((value) => (value.endsWith('/') ? value : `${value}/`))
    .default('https://slack.com/api/'),
  /**
   * The slash command, as configured in the Slack app.
   * @default /cordon
   */
  command: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash and up to 31 lowercase letters, digits, _ or -')
    .default('/cordon'),
  /** Where runs that did not start from Slack (detections, the CLI) post progress and approval requests. */
  defaultChannel: z.string().min(1).optional(),
  /** Who may start which playbook from Slack; undefined lets anyone in the workspace (approvals still gate). */
  runPermissions: runPermissionsSchema.optional(),
});

export type SlackConfig = z.output<typeof slackConfigSchema>;

export const httpConfigSchema = z.object({
  /**
   * Port of `cordon serve` (Slack requests, detection hooks, `/healthz`).
   * @default 3000
   */
  port: z.number().int().min(0).max(65_535).default(3000),
});

export type HttpConfig = z.output<typeof httpConfigSchema>;

function permissionsFrom(env: SectionEnv<typeof SLACK_VARIABLES>): unknown {
  const raw = env.SLACK_RUN_PERMISSIONS;
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new ConfigError(`SLACK_RUN_PERMISSIONS is not valid JSON: ${(error as Error).message}`);
  }
}

const VARIABLES: Record<string, string> = {
  botToken: 'SLACK_BOT_TOKEN',
  signingSecret: 'SLACK_SIGNING_SECRET',
  apiUrl: 'SLACK_API_URL',
  command: 'SLACK_COMMAND',
  defaultChannel: 'SLACK_DEFAULT_CHANNEL',
  runPermissions: 'SLACK_RUN_PERMISSIONS',
};

/**
 * Reads SLACK_BOT_TOKEN, and optionally SLACK_SIGNING_SECRET (the worker needs it; `cordon serve` need not have it),
 * SLACK_API_URL, SLACK_COMMAND, SLACK_DEFAULT_CHANNEL and SLACK_RUN_PERMISSIONS (JSON:
 * `{"playbook-id" | "*": {"users": [...], "groups": [...]}}`).
 */
export function slackConfigFromEnv(env: SectionEnv<typeof SLACK_VARIABLES>): SlackConfig | undefined {
  if (!env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET) return undefined;
  if (!env.SLACK_BOT_TOKEN) {
    throw new ConfigError('SLACK_SIGNING_SECRET is set without SLACK_BOT_TOKEN: set the bot token too, or neither');
  }
  const parsed = slackConfigSchema.safeParse({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET || undefined,
    apiUrl: env.SLACK_API_URL || undefined,
    command: env.SLACK_COMMAND || undefined,
    defaultChannel: env.SLACK_DEFAULT_CHANNEL || undefined,
    runPermissions: permissionsFrom(env),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [field, ...rest] = issue?.path.map(String) ?? [];
    const where = [VARIABLES[field ?? ''] ?? field, ...rest].filter(Boolean).join('.');
    // Never echo the value: it may be a token.
    throw new ConfigError(`Slack configuration: ${where || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Reads CORDON_HTTP_PORT. */
export function httpConfigFromEnv(env: SectionEnv<typeof HTTP_VARIABLES>): HttpConfig {
  const raw = env.CORDON_HTTP_PORT;
  if (raw !== undefined && raw !== '' && !/^\d+$/.test(raw)) {
    throw new ConfigError(`CORDON_HTTP_PORT must be a port number, got "${raw}"`);
  }
  const parsed = httpConfigSchema.safeParse({ port: raw ? Number(raw) : undefined });
  if (!parsed.success) throw new ConfigError(`CORDON_HTTP_PORT: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
