/**
 * Finds an installed Chromium or Chrome: CHROME_PATH, else `chromium`, `chromium-browser`,
 * `google-chrome`, `google-chrome-stable` on PATH. convspec never downloads a browser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** What to do when no browser is found (the message of verify's exit 2). */
export const INSTALL_HINT =
  'no Chromium or Chrome found: install one (Debian/Ubuntu: `apt-get install -y chromium`) or set CHROME_PATH to its executable; convspec never downloads a browser';

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The browser executable, or an explanation of why there is none. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const explicit = env.CHROME_PATH;
  if (explicit) return executable(explicit) ? { path: explicit } : { missing: `CHROME_PATH=${explicit} is not an executable file` };
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) {
      const candidate = path.join(dir, name);
      if (executable(candidate)) return { path: candidate };
    }
  }
  return { missing: INSTALL_HINT };
}
