/** What every command gets: the configuration (read once), output, and a lazily connected Temporal client. */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { builtinRegistry, type ActionRegistry } from '../activities/registry';
import type { Config, Env } from '../config/config';
import { loadPlan } from '../dsl';
import type { Plan } from '../dsl/plan';
import { isPlaybookFileName } from '../dsl/playbook-files';
import { connectClient, connectionSettings, type ConnectionSettings } from '../runs/connect';
import { UsageError } from './usage-error';

export interface CliContext {
  config: Config;
  env: Env;
  registry: ActionRegistry;
  out(line?: string): void;
  err(line: string): void;
  settings(): ConnectionSettings;
  client(): Promise<Client>;
  /** A playbook by file path, or by id from the playbooks folder. */
  plan(reference: string): Promise<Plan>;
  /** The person running the command (requester of runs started here). */
  user: string;
}

export function createContext(config: Config, env: Env): CliContext {
  let client: Promise<Client> | undefined;
  const settings = () => connectionSettings(config, env);
  return {
    config,
    env,
    registry: builtinRegistry,
    out: (line = '') => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    settings,
    client: () => (client ??= connectClient(settings())),
    plan: async (reference) => loadPlan(await resolvePlaybook(config.playbooksDir, reference), builtinRegistry),
    user: env.CORDON_USER || os.userInfo().username,
  };
}

async function resolvePlaybook(dir: string, reference: string): Promise<string> {
  if (existsSync(reference)) return reference;
  for (const candidate of [`${reference}.yaml`, `${reference}.yml`]) {
    const file = path.join(dir, candidate);
    if (existsSync(file)) return file;
  }
  const known = existsSync(dir) ? (await readdir(dir)).filter(isPlaybookFileName) : [];
  throw new UsageError(
    `no playbook "${reference}": not a file, and not in ${dir} (there: ${known.map((name) => name.replace(/\.ya?ml$/, '')).join(', ') || 'nothing'})`,
  );
}
