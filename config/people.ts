/**
 * The people section of the configuration: the people directory (`CORDON_DIRECTORY`, a YAML or JSON file, read and
 * validated once here) and where this user's decision key lives (`CORDON_KEY_FILE`). Without a directory nobody can
 * be verified, so no decision counts: the worker says so when it starts.
 */
import os from 'node:os';
import path from 'node:path';
import { DirectoryError, loadDirectory, PeopleDirectory } from '../people/directory';
import { ConfigError } from './config-error';
import type { SectionEnv } from './section-env';

/** Every variable this section reads (see `variables.ts`); XDG_CONFIG_HOME is the desktop standard, not cordon's. */
export const PEOPLE_VARIABLES = ['CORDON_DIRECTORY', 'CORDON_KEY_FILE', 'XDG_CONFIG_HOME'] as const;

export interface PeopleConfig {
  directory: PeopleDirectory;
  /** The file the directory came from; undefined when `CORDON_DIRECTORY` is not set (an empty directory). */
  directoryFile?: string;
  /**
   * The decision key of the person at this terminal.
   * @default $XDG_CONFIG_HOME/cordon/decision-key.pem (~/.config/cordon/decision-key.pem)
   */
  keyFile: string;
}

export function peopleConfigFromEnv(env: SectionEnv<typeof PEOPLE_VARIABLES>, cwd: string): PeopleConfig {
  const configRoot = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  const keyFile = env.CORDON_KEY_FILE
    ? path.resolve(cwd, env.CORDON_KEY_FILE)
    : path.join(configRoot, 'cordon', 'decision-key.pem');
  if (!env.CORDON_DIRECTORY) return { directory: new PeopleDirectory(), keyFile };
  const directoryFile = path.resolve(cwd, env.CORDON_DIRECTORY);
  try {
    return { directory: loadDirectory(directoryFile), directoryFile, keyFile };
  } catch (error) {
    if (error instanceof DirectoryError) throw new ConfigError(`CORDON_DIRECTORY: ${error.message}`);
    throw error;
  }
}
