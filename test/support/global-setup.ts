/**
 * Vitest global setup for integration tests: one real Temporal dev server (in memory) and one workflow bundle for the
 * whole run. No server is faked and none is skipped: if the CLI cannot be found or built, the run fails here, clearly.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../config/config';
import { findOrInstallTemporalCli } from '../../temporal/cli';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { bundleWorkflows } from '../../temporal/worker-factory';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const config = loadConfig(process.env);
  const cliPath = await findOrInstallTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    searchPath: process.env.PATH,
    log: (line) => console.log(line),
  });
  // Time skipping lets `cordon test`'s runner (test/integration/playbook-tests.test.ts) wait out gate timeouts.
  server = await startDevServer({ cliPath, timeSkipping: true });
  // Always from today's sources, never the prebuilt bundle in dist/.
  const bundle = await bundleWorkflows();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-test-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('workflowBundlePath', bundlePath);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
