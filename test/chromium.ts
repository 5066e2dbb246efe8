// The one browser lookup of the tests and the screenshots: CHROMIUM_PATH, then a Chromium-family browser on PATH,
// then the places their installers put them (Linux packages, macOS app bundles, Windows Program Files), then
// playwright's own browser cache. `npm test` calls ensureChromium() before any test runs, so a machine without a
// browser gets one line at the start (or Debian's chromium, where it can be installed) instead of failures at the end.
import { existsSync, readdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { aptInstall, canApt } from '../scripts/apt.mjs';

const COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'msedge', 'microsoft-edge'];

/** Where installers put these browsers when they are not on PATH (the system places a user's machine has). */
function installPlaces(env: NodeJS.ProcessEnv): string[] {
  switch (platform()) {
    case 'darwin': {
      const bundles = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
      return ['/Applications', join(homedir(), 'Applications')].flatMap((apps) => bundles.map((bundle) => join(apps, bundle)));
    }
    case 'win32': {
      const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((root): root is string => !!root);
      const exes = ['Chromium\\Application\\chrome.exe', 'Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
      return roots.flatMap((root) => exes.map((exe) => join(root, exe)));
    }
    default:
      return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge'];
  }
}

/** Playwright's browser cache ($PLAYWRIGHT_BROWSERS_PATH or the per-platform default), newest build first. */
function playwrightBrowsers(env: NodeJS.ProcessEnv): string[] {
  const cache = env.PLAYWRIGHT_BROWSERS_PATH
    ?? (platform() === 'darwin' ? join(homedir(), 'Library', 'Caches', 'ms-playwright')
      : platform() === 'win32' ? join(env.LOCALAPPDATA ?? homedir(), 'ms-playwright')
        : join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ms-playwright'));
  if (!existsSync(cache)) return [];
  const inside = platform() === 'darwin'
    ? ['chrome-mac/Chromium.app/Contents/MacOS/Chromium', 'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing', 'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing']
    : platform() === 'win32' ? ['chrome-win/chrome.exe', 'chrome-win64/chrome.exe'] : ['chrome-linux/chrome', 'chrome-linux64/chrome'];
  const builds = readdirSync(cache).filter((name) => /^chromium-\d+$/.test(name)).sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]));
  return builds.flatMap((build) => inside.map((path) => join(cache, build, path)));
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = platform() === 'win32' ? [`${command}.exe`] : [command];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The browser the tests drive, or undefined when this machine has none. `systemPlaces: false` leaves out the
 * install places (the lookup's own test, on a machine that has a browser there).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, { systemPlaces = true } = {}): string | undefined {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  for (const command of COMMANDS) {
    const found = onPath(command, env);
    if (found) return found;
  }
  return [...(systemPlaces ? installPlaces(env) : []), ...playwrightBrowsers(env)].find((path) => existsSync(path));
}

export const NO_BROWSER = 'No Chromium, Chrome or Edge found for the browser tests: install one (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to its executable.';

/** The browser for a test that is about to launch one; a clear error where there is none. */
export function chromiumPath(): string {
  const found = findChromium();
  if (found) return found;
  throw new Error(process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist. ${NO_BROWSER}` : NO_BROWSER);
}

/** Finds a browser, or installs Debian's chromium where it can (root and apt-get); throws NO_BROWSER otherwise. */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const found = findChromium();
  if (found || process.env.CHROMIUM_PATH) return chromiumPath();
  if (!canApt()) throw new Error(NO_BROWSER);
  log('No browser for the browser tests: installing Debian\'s chromium with apt-get (once)…');
  try {
    aptInstall(['chromium']);
  } catch (error) {
    throw new Error(`${(error as Error).message}. ${NO_BROWSER}`);
  }
  return chromiumPath();
}

/** The flags every test browser starts with: this machine's closed network refuses Chromium's background calls. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts the test browser headless (the webview tests, the real VS Code tests, the screenshots). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
