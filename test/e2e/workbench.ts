// Driving the VS Code workbench in Chromium (test/chromium.ts finds it) with playwright-core: start the browser, open the
// workbench, run commands, reach into webviews (two nested iframes), keep screenshots.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { launchChromium } from '../chromium';
import { ROOT } from './code-server';

export { launchChromium };
export const RESULTS = join(ROOT, 'test-results');

/** Opens the workbench and waits for its activity bar. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
}

/**
 * Opens the quick input from the command center. The workbench draws the title bar before it handles clicks on it:
 * on a busy machine a click in the first seconds after start-up opened nothing (seen: no input after 30 s). So a
 * click that opened nothing within a few seconds is made again, three times at most.
 */
async function openQuickInput(page: Page, input: Locator): Promise<void> {
  for (let attempt = 1; !(await input.isVisible()); attempt++) {
    await page.locator('.command-center .command-center-center').click();
    try {
      await input.waitFor({ timeout: 5000 });
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Types `text` into the quick input (opening it from the command center unless it is open) and picks the row labelled `row`. */
export async function quickPick(page: Page, text: string, row: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // F1 goes wherever the focus is, and a focused webview (another document) may not hand it back:
  // the command center in the title bar opens the same quick input from anywhere.
  await openQuickInput(page, input);
  await input.fill(text);
  // The row whose label is exactly `row`, not the first that contains it ("Preferences: Color Theme" is also in
  // "Preferences: Browse Color Themes in Marketplace", which may be listed first).
  const wanted = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name').getByText(row, { exact: true }) }).first();
  await wanted.waitFor();
  await wanted.click();
}

/** Runs a command by its title from the command palette (">" in the quick input), as a user would. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await quickPick(page, `>${title}`, title);
}

/**
 * Opens a file of the workspace with Go to File and waits for its editor to be the active one. Not a click on
 * the Explorer's row: the file tree redraws its rows while the workbench settles, and a click whose press and
 * release land on different rows opens nothing (seen on a busy machine: no editor, so no activation).
 */
export async function openFile(page: Page, name: string): Promise<void> {
  await quickPick(page, name, name);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

/** Reloads the window as a user does (Developer: Reload Window), so VS Code saves its state first. */
export async function reloadWindow(page: Page): Promise<void> {
  const reloaded = page.waitForEvent('load', { timeout: 60_000 });
  await runFromPalette(page, 'Developer: Reload Window');
  await reloaded;
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
}

/**
 * The content frame of the webview that shows `selector`. A webview is two nested iframes
 * (iframe.webview → iframe#active-frame); several can be open, so every frame is asked.
 */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(250);
  }
  const seen = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText({ timeout: 1000 }).catch(() => '(unreadable)')));
  throw new Error(`no webview shows ${selector} after ${timeoutMs / 1000} s; the frames show:\n${seen.map((text) => `- ${JSON.stringify(text.slice(0, 120))}`).join('\n')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
