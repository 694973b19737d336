#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built by `npm install` through the `prepare` script, or `npm run build`), so that
// `cordon` starts without transpiling TypeScript. When a source file is newer than the build (an edit, a checkout), it
// rebuilds first (about a second), so the command never runs stale code.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'cli', 'main.js');
// Not part of the CLI: tests, benchmarks, and folders of output, tools and dependencies.
const NOT_SOURCES = new Set(['node_modules', 'dist', 'test', 'bench', '.git', '.cordon', '.tools', 'coverage', 'runs']);

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification time of the CLI's sources (TypeScript files and the package manifest). */
function newestSource(dir, depth = 0) {
  let newest = depth === 0 ? mtime(path.join(root, 'package.json')) : 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !(depth === 0 && NOT_SOURCES.has(entry.name)) && !entry.name.startsWith('.')) {
      newest = Math.max(newest, newestSource(path.join(dir, entry.name), depth + 1));
    } else if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, mtime(path.join(dir, entry.name)));
    }
  }
  return newest;
}

const builtAt = mtime(built);
if (builtAt === 0 || newestSource(root) > builtAt) {
  process.stderr.write(
    `cordon: ${builtAt === 0 ? 'no build in dist/' : 'sources changed since the build'}; building the CLI ...\n`,
  );
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts', 'build.ts'), '--no-workflows'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0) {
    process.stderr.write('cordon: the build failed (above); `npm run build` shows it again.\n');
    process.exit(1);
  }
}
await import(built);
