/**
 * A Chromium for the browser tests. The system's when there is one (Debian's `chromium`, Chrome); otherwise the one
 * that the npm package @sparticuz/chromium ships inside itself (a devDependency, so `npm install` brings it; it is
 * unpacked to the temporary folder on first use). Fails with what was looked for when neither exists: a browser test is
 * never skipped.
 */
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUMS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Flags for a headless run that talks to nothing outside. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let found: Promise<string> | undefined;

export function findChromium(): Promise<string> {
  found ??= locate();
  return found;
}

async function locate(): Promise<string> {
  const system = SYSTEM_CHROMIUMS.find((candidate) => existsSync(candidate));
  if (system) return system;
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    return await packaged.executablePath();
  } catch (error) {
    throw new Error(
      `no Chromium for the browser tests: none at ${SYSTEM_CHROMIUMS.join(', ')}, and the npm package @sparticuz/chromium gave none (${error instanceof Error ? error.message : String(error)}). Run "npm install" (it is a devDependency), or install Chromium ("apt-get install -y chromium").`,
      { cause: error },
    );
  }
}
