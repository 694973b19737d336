/**
 * A CLI context over a test's own client, whose output lines are kept for the test to read. Without a client, a
 * context with no server: the commands under test must work from files alone.
 */
import type { Client } from '@temporalio/client';
import { builtinRegistry } from '../../activities/registry';
import type { CliContext } from '../../cli/context';
import { loadConfig } from '../../config/config';

export function cliContextOver(client?: Client): CliContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    config: loadConfig({}),
    env: {},
    registry: builtinRegistry,
    out: (line = '') => lines.push(line),
    err: (line) => lines.push(line),
    settings: () => {
      throw new Error('not used');
    },
    client: async () => {
      if (!client) throw new Error('no server in this test');
      return client;
    },
    plan: () => Promise.reject(new Error('not used')),
    user: 'tester',
  };
}
