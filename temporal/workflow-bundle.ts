/**
 * The workflow bundle built ahead of time. Temporal's advice for production is to run `bundleWorkflowCode` at build
 * time and hand workers the result, instead of bundling at every start (seconds of webpack). `npm install` builds it
 * into `dist/` (scripts/build.ts) together with a manifest: the source files it was made from and their hash. A worker
 * uses the prebuilt bundle only while that hash still matches, so an edit to workflow code is never run stale.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const BUNDLE_FILE = path.join('dist', 'workflow-bundle.js');
export const MANIFEST_FILE = path.join('dist', 'workflow-bundle.json');
/** Part of the key too: a different @temporalio/workflow (or any bundled package) means a different bundle. */
const LOCK_FILE = 'package-lock.json';

const manifestSchema = z.object({
  sourceHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Paths relative to the repository root: every file of ours the bundle was made from. */
  sources: z.array(z.string()).min(1),
});
export type BundleManifest = z.infer<typeof manifestSchema>;

/** sha256 over the sources' paths and contents, and the lock file. A missing file gives a hash no build has. */
export async function sourceHash(root: string, sources: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...sources, LOCK_FILE].sort()) {
    hash.update(`${file}\0`);
    hash.update(existsSync(path.join(root, file)) ? await readFile(path.join(root, file)) : 'missing');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * The files of ours that `workflowsPath` imports, directly or not, relative to `root`. esbuild resolves the imports the
 * way webpack does for these sources (packages stay outside), in a few tens of milliseconds.
 */
export async function workflowSources(root: string, workflowsPath: string): Promise<string[]> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [workflowsPath],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'neutral',
    logLevel: 'silent',
  });
  // Inputs are relative to absWorkingDir, with forward slashes.
  return Object.keys(result.metafile.inputs)
    .map((input) => path.normalize(input))
    .sort();
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, content);
  await rename(partial, file);
}

/** Stores a bundle and its manifest in `dist/`; the bundle first, so a manifest never describes a missing bundle. */
export async function savePrebuiltBundle(root: string, code: string, sources: string[]): Promise<BundleManifest> {
  const manifest = { sourceHash: await sourceHash(root, sources), sources };
  await writeAtomically(path.join(root, BUNDLE_FILE), code);
  await writeAtomically(path.join(root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** What the prebuilt bundle is worth now: usable, or why not. */
export type PrebuiltBundle = { kind: 'fresh'; code: string } | { kind: 'stale' | 'missing'; reason: string };

/** The prebuilt bundle, if there is one and the workflow sources have not changed since it was built. */
export async function prebuiltBundle(root: string): Promise<PrebuiltBundle> {
  const manifestFile = path.join(root, MANIFEST_FILE);
  const bundleFile = path.join(root, BUNDLE_FILE);
  if (!existsSync(manifestFile) || !existsSync(bundleFile)) {
    return { kind: 'missing', reason: `no prebuilt workflow bundle in ${path.dirname(bundleFile)}` };
  }
  let manifest: BundleManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(await readFile(manifestFile, 'utf8')));
  } catch (error) {
    return { kind: 'stale', reason: `${manifestFile} is unreadable (${String(error)})` };
  }
  if ((await sourceHash(root, manifest.sources)) !== manifest.sourceHash) {
    return { kind: 'stale', reason: 'the workflow code changed since the prebuilt bundle was made' };
  }
  return { kind: 'fresh', code: await readFile(bundleFile, 'utf8') };
}
