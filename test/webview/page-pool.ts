// Chromium and its pages are kept for the next browser test instead of being made again. Measured on
// these machines, a new page costs about a second of Chromium CPU (a renderer process and a browser
// context: more than most tests do in it), and a new browser another second. Mocha runs the browser
// files one after another in the same process (a parallel worker takes file after file), so:
// - one browser per test process, taken by each suite and closed once no suite has used it for a while;
// - an explorer page given back by a test goes to about:blank, with its emulated media and granted
//   permissions reset, and the next test navigates it to a fresh document. What a document keeps in
//   sessionStorage is kept per open (harness.ts keys it by the URL), so nothing of a test reaches the next.

import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { launchChromium } from '../chromium';

/** Where one test's page sends what it posts and reports; set while a test holds the page. */
export interface Lease {
  receive(message: unknown): void;
  violation(text: string): void;
  console(message: ConsoleMessage): void;
  pageError(error: Error): void;
}

interface Pooled {
  page: Page;
  lease: Lease | null;
}

const IDLE_MS = 3000; // a browser no suite took for this long is closed (the worker moved on to other files)

interface Shared {
  browser: Promise<Browser>;
  started?: Browser; // once launched: a crashed one is started again
  users: number; // suites between their before() and after()
  idle?: NodeJS.Timeout;
}

let shared: Shared | undefined;
let closing: Promise<void> = Promise.resolve(); // the last browser's close: it removes its profile folders
const spare = new WeakMap<Browser, Pooled[]>();
const pooled = new WeakMap<Page, Pooled>();

/** The process's browser (started on first use, again if it crashed): a suite's before() takes it. */
export async function takeChromium(): Promise<Browser> {
  if (shared?.started && !shared.started.isConnected()) shared = undefined;
  if (!shared) {
    const starting: Shared = { browser: launchChromium(), users: 0 };
    starting.browser.then((browser) => (starting.started = browser), () => (shared === starting ? (shared = undefined) : undefined));
    shared = starting;
  }
  shared.users++;
  clearTimeout(shared.idle);
  return shared.browser;
}

/** A suite's after(): the browser stays open for the next suite, and closes once none has come for IDLE_MS. */
export function giveBackChromium(): void {
  const held = shared;
  if (!held || --held.users > 0) return;
  held.idle = setTimeout(() => {
    if (shared !== held || held.users > 0) return;
    shared = undefined;
    closing = close(held);
  }, IDLE_MS);
  held.idle.unref(); // mocha --exit does not wait for it; playwright ends the browser with the process
}

/**
 * Closes the process's browser now unless a suite holds it, and waits for any close under way: a test that
 * watches this process's file access (test/robustness/webview-boundary.test.ts) must not see a browser left by
 * the files before it remove its profile folders meanwhile.
 */
export async function closeIdleChromium(): Promise<void> {
  const held = shared;
  if (held && held.users === 0) {
    clearTimeout(held.idle);
    shared = undefined;
    closing = close(held);
  }
  await closing;
}

function close(held: Shared): Promise<void> {
  return held.browser.then((browser) => browser.close()).catch(() => undefined);
}

/**
 * A blank page of `viewport` whose bindings and listeners go to `lease`: a spare one of this browser, or a new
 * one (its own context) made with `initScript` and the bindings __fakeHostReceive and __reportViolation.
 */
export async function leasePage(browser: Browser, viewport: { width: number; height: number }, initScript: string, lease: Lease): Promise<Page> {
  const spares = spare.get(browser) ?? [];
  spare.set(browser, spares);
  let entry = spares.pop();
  while (entry?.page.isClosed()) entry = spares.pop();
  if (entry) {
    entry.lease = lease;
    const size = entry.page.viewportSize();
    if (size?.width !== viewport.width || size.height !== viewport.height) await entry.page.setViewportSize(viewport);
    return entry.page;
  }
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const made: Pooled = { page, lease };
  pooled.set(page, made);
  await page.exposeFunction('__fakeHostReceive', (message: unknown) => made.lease?.receive(message));
  await page.exposeFunction('__reportViolation', (text: string) => made.lease?.violation(text));
  await page.addInitScript(initScript);
  page.on('console', (message) => made.lease?.console(message));
  page.on('pageerror', (error) => made.lease?.pageError(error));
  return page;
}

/** Ends `lease` on `page`: the page leaves its document and waits for the next test (or is closed if it cannot). */
export async function returnPage(browser: Browser, page: Page, lease: Lease): Promise<void> {
  const entry = pooled.get(page);
  if (!entry || entry.lease !== lease || page.isClosed()) return; // given back already, or closed by the test
  entry.lease = null;
  try {
    await page.goto('about:blank');
    // What a new context starts with (playwright's defaults): motion.test.ts emulates reduced motion.
    await page.emulateMedia({ media: null, colorScheme: 'light', reducedMotion: 'no-preference', forcedColors: 'none' });
    await page.context().clearPermissions(); // export.test.ts grants the clipboard
    await page.mouse.move(0, 0); // no hover carried into the next document
    spare.get(browser)?.push(entry);
  } catch {
    await page.context().close().catch(() => undefined);
  }
}
