/**
 * The command catalogue (cli/command-catalogue.ts) names each command with its summary; cli/main.ts loads its module
 * only when it runs. These tests run the shipped entry point (bin/cordon.js, which rebuilds dist/ when a source is
 * newer) in child processes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../cli/command';

const CORDON = path.resolve('bin/cordon.js');
/** Packages that take a second or more to load; a command that needs none of them must not load them. */
const HEAVY = ['@temporalio/worker', '@temporalio/client', '@okta/okta-sdk-nodejs', '@slack/bolt', '@slack/web-api'];

function isCommand(value: unknown): value is Command {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    'summary' in value &&
    'run' in value &&
    typeof value.run === 'function'
  );
}

/** Every command that a module under cli/commands exports. */
async function commandModules(): Promise<Map<string, string>> {
  const summaries = new Map<string, string>();
  for (const file of readdirSync('cli/commands').filter((name) => name.endsWith('.ts'))) {
    const exports: Record<string, unknown> = await import(path.resolve('cli/commands', file));
    for (const value of Object.values(exports)) if (isCommand(value)) summaries.set(value.name, value.summary);
  }
  return summaries;
}

/** Runs `cordon ARGS` and reports, besides its output, which packages its process loaded. */
async function cordonLoading(args: string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-loads-'));
  const probe = path.join(dir, 'probe.cjs');
  // CommonJS packages imported from ESM land in require.cache too: list their names when the process ends.
  await writeFile(
    probe,
    `process.on('exit', () => { const names = new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/) || [])[1]).filter(Boolean)); process.stderr.write('LOADED ' + [...names].join(' ') + '\\n'); });\n`,
  );
  const result = spawnSync(process.execPath, ['--require', probe, CORDON, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const loadedLine = result.stderr.split('\n').find((line) => line.startsWith('LOADED ')) ?? 'LOADED ';
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, loaded: loadedLine.slice(7).split(' ') };
}

describe('the cordon command list', () => {
  it('lists every command the command modules define, each with its own summary', { timeout: 90_000 }, async () => {
    const { stdout, code } = await cordonLoading(['--help']);
    expect(code).toBe(0);
    const listed = new Map(
      stdout
        .split('\n')
        .map((line) => /^ {2}(\S+) +(.+)$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], match[2]]),
    );
    expect(listed).toEqual(await commandModules());
  });

  it('starts --help and validate without loading Temporal, Okta or Slack packages', async () => {
    for (const args of [['--help'], ['validate', 'playbooks/okta-account-compromise.yaml']]) {
      const { code, loaded, stderr } = await cordonLoading(args);
      expect(code, stderr).toBe(0);
      expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
    }
  });

  it('loads a command module only for that command, and says which command is unknown', async () => {
    const status = await cordonLoading(['status', '--help']);
    expect(status.stdout).toContain('usage: cordon status WORKFLOW_ID');
    const unknown = await cordonLoading(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cordon: unknown command "frobnicate"');
  });
});
