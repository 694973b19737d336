/**
 * The worker's and CLI's configuration, parsed once from the environment in the composition root and passed down.
 * No other module reads `process.env`. Each integration owns its section's schema (`config/<integration>.ts`).
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { hooksConfigFromEnv, type HooksConfig } from './hooks';
import { guardrailsConfigFromEnv, type GuardrailsConfig } from './guardrails';
import { oktaConfigFromEnv, type OktaConfig } from './okta';
import { takedownConfigFromEnv, type TakedownConfig } from './takedown';
import { httpConfigFromEnv, slackConfigFromEnv, type HttpConfig, type SlackConfig } from './slack';

/** Thrown when the environment holds a value that does not parse; names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const groupsSchema = z.record(z.string(), z.array(z.string().min(1)));

export const configSchema = z.object({
  /** Where `cordon up` keeps the dev server's database; tests use memory. */
  dataDir: z.string(),
  /** Cache of the Temporal CLI build, keyed by version. */
  cacheDir: z.string(),
  temporal: z.object({
    /** A cluster to use instead of the embedded dev server (`TEMPORAL_ADDRESS`). */
    address: z.string().optional(),
    namespace: z.string().default('default'),
    taskQueue: z.string().default('cordon'),
    /** Explicit path to a `temporal` CLI binary. */
    cliPath: z.string().optional(),
  }),
  /** Approver groups for when no Slack is configured: group → identities. */
  groups: groupsSchema.default({}),
  /** Runtime log level (`CORDON_LOG_LEVEL`): activity and worker messages at or above it are printed. */
  logLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Where shipped playbooks are read from. */
  playbooksDir: z.string(),
  /**
   * Strict mode (`CORDON_STRICT_PLAYBOOKS`): the worker runs only plans whose playbook is one of the files in
   * `playbooksDir`, by sha256. Off by default: any plan that compiles from its own source runs.
   */
  strictPlaybooks: z.stringbool().default(false),
});

/** `hooks` is parsed by its own section (config/hooks.ts), which reads files and keeps secrets out of messages. */
export type Config = z.output<typeof configSchema> & {
  hooks: HooksConfig;
  slack?: SlackConfig;
  http: HttpConfig;
  /** Present when OKTA_ORG_URL and credentials are set. */
  okta?: OktaConfig;
  /** What automation may never touch: protected networks and accounts; defaults apply when nothing is set. */
  guardrails: GuardrailsConfig;
  /** Present when a takedown provider (SMTP, Netcraft, Cloudflare) is set. */
  takedown?: TakedownConfig;
};
export type Env = Record<string, string | undefined>;

function parseJson(env: Env, name: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads the configuration from an environment (normally `process.env`). */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const parsed = configSchema.safeParse({
    dataDir: env.CORDON_DATA_DIR || path.join(cwd, '.cordon'),
    cacheDir: env.CORDON_CACHE_DIR || path.join(cacheRoot, 'cordon'),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || undefined,
      taskQueue: env.CORDON_TASK_QUEUE || undefined,
      cliPath: env.TEMPORAL_CLI_PATH || undefined,
    },
    groups: parseJson(env, 'CORDON_GROUPS'),
    logLevel: env.CORDON_LOG_LEVEL?.toUpperCase() || undefined,
    playbooksDir: env.CORDON_PLAYBOOKS_DIR || path.join(cwd, 'playbooks'),
    strictPlaybooks: env.CORDON_STRICT_PLAYBOOKS || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return {
    ...parsed.data,
    okta: oktaConfigFromEnv(env),
    guardrails: guardrailsConfigFromEnv(env),
    takedown: takedownConfigFromEnv(env, { dataDir: parsed.data.dataDir }),
    hooks: hooksConfigFromEnv(env, { dataDir: parsed.data.dataDir }),
    slack: slackConfigFromEnv(env),
    http: httpConfigFromEnv(env),
  };
}
