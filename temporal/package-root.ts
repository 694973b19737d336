/**
 * The root of this package (the folder of cordon's package.json), found from a module's URL. Modules run from their
 * sources (tsx, vitest) and from the compiled `dist/` at different depths, so a fixed `..` would point wrong in one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"cordon"/.test(readFileSync(manifest, 'utf8'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json of cordon above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
}
