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
import { peopleConfigFromEnv, type PeopleConfig } from './people';
import { takedownConfigFromEnv, type TakedownConfig } from './takedown';
import { telemetryConfigFromEnv, type TelemetryConfig } from './telemetry';
import { codecConfigFromEnv } from './codec';
import { codecServerConfigFromEnv, type CodecServerConfig } from './codec-server';
import type { CodecKeys } from '../codec/aes-gcm-codec';
import { httpConfigFromEnv, slackConfigFromEnv, type HttpConfig, type SlackConfig } from './slack';
import type { CORE_VARIABLES } from './core-variables';
import type { Env, SectionEnv } from './section-env';
import { refuseUnknownVariables } from './variables';
import { DEFAULT_MAX_CACHED_WORKFLOWS, MIN_CACHED_WORKFLOWS } from '../temporal/workflow-cache';
import { ConfigError } from './config-error';

// Re-exported: callers outside config/ find the error beside what throws it.
export { ConfigError };

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
    /**
     * Runs a worker keeps in memory between their workflow tasks (`CORDON_MAX_CACHED_WORKFLOWS`); the others are
     * replayed from their history when their next task comes (see temporal/workflow-cache.ts).
     * @default 100
     */
    maxCachedWorkflows: z.number().default(DEFAULT_MAX_CACHED_WORKFLOWS),
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
  /** The people directory and this user's decision key. */
  people: PeopleConfig;
  /** Log format, Prometheus endpoint, trace export. */
  telemetry: TelemetryConfig;
  /** The payload codec's keys; undefined: payloads go to Temporal in clear. */
  codec?: CodecKeys;
  /** `cordon codec-server`: its token, address and the Web UI origin it answers. */
  codecServer: CodecServerConfig;
};
// Re-exported: the composition roots name the environment type where they load the configuration.
export type { Env } from './section-env';

function parseJson(env: SectionEnv<typeof CORE_VARIABLES>, name: (typeof CORE_VARIABLES)[number]): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `CORDON_MAX_CACHED_WORKFLOWS`: a whole number of at least 2, or unset for the default. */
function maxCachedWorkflows(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < MIN_CACHED_WORKFLOWS) {
    throw new ConfigError(
      `CORDON_MAX_CACHED_WORKFLOWS: "${raw}" is not a whole number of at least ${MIN_CACHED_WORKFLOWS} (runs a worker keeps in memory; default ${DEFAULT_MAX_CACHED_WORKFLOWS})`,
    );
  }
  return value;
}

/**
 * Reads the configuration from an environment (normally `process.env`). A variable with one of cordon's prefixes
 * that nothing reads is refused first, with the closest known name (see `variables.ts`).
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  // Every section is read even when another has a problem, so one error lists them all.
  const problems: string[] = [];
  function section<T>(parse: () => T): () => T {
    try {
      const value = parse();
      return () => value;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return () => {
        throw error;
      };
    }
  }
  section(() => refuseUnknownVariables(env));
  // CORDON_* variables through their declared list, so the compiler refuses one that is not in it.
  const own: SectionEnv<typeof CORE_VARIABLES> = env;
  const cacheRoot = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  // Read before the schema, which gets the number: a bad value is reported with its variable's name.
  let cacheSize: number | undefined;
  section(() => {
    cacheSize = maxCachedWorkflows(own.CORDON_MAX_CACHED_WORKFLOWS);
  });
  const parsed = configSchema.safeParse({
    dataDir: own.CORDON_DATA_DIR || path.join(cwd, '.cordon'),
    cacheDir: own.CORDON_CACHE_DIR || path.join(cacheRoot, 'cordon'),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || undefined,
      taskQueue: own.CORDON_TASK_QUEUE || undefined,
      cliPath: env.TEMPORAL_CLI_PATH || undefined,
      maxCachedWorkflows: cacheSize,
    },
    groups: parseJson(own, 'CORDON_GROUPS'),
    logLevel: own.CORDON_LOG_LEVEL?.toUpperCase() || undefined,
    playbooksDir: own.CORDON_PLAYBOOKS_DIR || path.join(cwd, 'playbooks'),
    strictPlaybooks: own.CORDON_STRICT_PLAYBOOKS || undefined,
  });
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    problems.push(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const dataDir = parsed.success ? parsed.data.dataDir : (own.CORDON_DATA_DIR ?? path.join(cwd, '.cordon'));
  const sections = {
    okta: section(() => oktaConfigFromEnv(env)),
    guardrails: section(() => guardrailsConfigFromEnv(env)),
    takedown: section(() => takedownConfigFromEnv(env, { dataDir })),
    hooks: section(() => hooksConfigFromEnv(env, { dataDir })),
    slack: section(() => slackConfigFromEnv(env)),
    http: section(() => httpConfigFromEnv(env)),
    people: section(() => peopleConfigFromEnv(env, cwd)),
    telemetry: section(() => telemetryConfigFromEnv(env)),
    codec: section(() => codecConfigFromEnv(env)),
    codecServer: section(() => codecServerConfigFromEnv(env)),
  };
  const [only] = problems;
  if (problems.length === 1 && only !== undefined) throw new ConfigError(only);
  if (problems.length > 0 || !parsed.success) {
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    throw new ConfigError(`${problems.length} configuration problems:\n${list}`, problems);
  }
  return {
    ...parsed.data,
    okta: sections.okta(),
    guardrails: sections.guardrails(),
    takedown: sections.takedown(),
    hooks: sections.hooks(),
    slack: sections.slack(),
    http: sections.http(),
    people: sections.people(),
    telemetry: sections.telemetry(),
    codec: sections.codec(),
    codecServer: sections.codecServer(),
  };
}
