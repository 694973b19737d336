/** The playbook test files a command line names: files, and the `*.test.yaml` files of folders. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Thrown when a path given on the command line is neither a test file nor a folder holding some. */
export class TestPathError extends Error {
  override readonly name = 'TestPathError';
}

const TEST_FILE = /\.test\.ya?ml$/;

/** The test files named, and those in the folders named (not recursing), in name order. */
export function findTestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    if (!existsSync(given)) throw new TestPathError(`no such file or folder: ${given}`);
    if (statSync(given).isDirectory()) {
      const found = readdirSync(given)
        .filter((name) => TEST_FILE.test(name))
        .sort();
      if (found.length === 0) throw new TestPathError(`no playbook tests (*.test.yaml) in ${given}`);
      files.push(...found.map((name) => path.join(given, name)));
    } else if (TEST_FILE.test(given)) {
      files.push(given);
    } else {
      throw new TestPathError(`${given} is not a playbook test: their names end in .test.yaml`);
    }
  }
  return [...new Set(files)];
}
