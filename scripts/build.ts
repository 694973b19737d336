/**
 * Builds what cordon runs from, into the git-ignored `dist/`; `npm install` runs it (the `prepare` script).
 *
 * - `dist/cli/main.js` (and its chunks): the command line as plain JavaScript, so `cordon` starts without transpiling.
 *   esbuild, not tsc: the sources import each other without file extensions (TypeScript's "Bundler" resolution), which
 *   Node cannot resolve in tsc's output; esbuild resolves them and writes one chunk per lazily loaded command.
 *   Packages stay in node_modules (imported, not copied).
 * - `dist/worker.js`: the worker's composition root (`npm run worker`), a file of its own so that it knows it is the
 *   entry point.
 * - `dist/workflow-bundle.js` and its manifest: the workflow code bundled ahead of time (temporal/workflow-bundle.ts).
 *
 * `npm run build -- --no-workflows` skips the workflow bundle (seconds of webpack); `bin/cordon.js` uses that to
 * rebuild the CLI quickly when its sources change.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { z } from 'zod';
import { packageRoot } from '../temporal/package-root';

const ROOT = packageRoot(import.meta.url);
const DIST = path.join(ROOT, 'dist');

/**
 * Packages copied into the CLI's chunks instead of imported from node_modules. Every command reads playbooks with
 * them, and Node loads one file far faster than their hundreds (zod alone: ~100 files, a third of `cordon validate`).
 */
const BUNDLED_INTO_CLI = new Set(['zod', 'yaml', '@marcbachmann/cel-js']);

const packageJson = z.object({
  dependencies: z.record(z.string(), z.string()),
  devDependencies: z.record(z.string(), z.string()),
});

/** Every other package stays external: native bindings, SDKs that read their own files, dynamic requires. */
async function externalPackages(): Promise<string[]> {
  const manifest = packageJson.parse(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')));
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
    .filter((name) => !BUNDLED_INTO_CLI.has(name))
    .flatMap((name) => [name, `${name}/*`]);
}

/** yaml's Node build is CommonJS and calls require(): give bundled CommonJS a require of its own. */
const REQUIRE_BANNER =
  "import { createRequire as __cordonRequire } from 'node:module';\nconst require = __cordonRequire(import.meta.url);";

const common: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  // Readable output: stack traces from dist/ still name our functions and files.
  minify: false,
  legalComments: 'none',
};

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function buildCode(): Promise<void> {
  await rm(path.join(DIST, 'cli'), { recursive: true, force: true });
  await build({
    ...common,
    packages: undefined,
    external: await externalPackages(),
    banner: { js: REQUIRE_BANNER },
    entryPoints: { 'cli/main': 'cli/main.ts' },
    outdir: DIST,
    splitting: true,
    chunkNames: 'cli/chunks/[name]-[hash]',
  });
  await build({ ...common, entryPoints: { worker: 'worker.ts' }, outdir: DIST });
}

async function buildWorkflowBundle(): Promise<void> {
  // Imported here: the worker SDK is heavy, and `--no-workflows` does not need it.
  const { bundleWorkflows, WORKFLOWS_PATH } = await import('../temporal/worker-factory');
  const { savePrebuiltBundle, workflowSources } = await import('../temporal/workflow-bundle');
  const [bundle, sources] = await Promise.all([bundleWorkflows(), workflowSources(ROOT, WORKFLOWS_PATH)]);
  await savePrebuiltBundle(ROOT, bundle.code, sources);
}

const started = Date.now();
await buildCode();
console.log(`cordon: built dist/cli and dist/worker.js in ${seconds(started)}`);
if (!process.argv.includes('--no-workflows')) {
  const bundling = Date.now();
  await buildWorkflowBundle();
  console.log(`cordon: bundled the workflow code into dist/workflow-bundle.js in ${seconds(bundling)}`);
}
