// GPT-2 Explorer in Restricted Mode, in a real VS Code: code-server with workspace trust on, the packaged
// VSIX installed, Debian's Chromium. The folder is untrusted and its .vscode/settings.json points
// gpt2Explorer.modelPath at a folder that does not exist; the user's settings point at the tiny test
// model. The extension must run, analyze the selection with the user's model, and say once that the
// workspace's setting is ignored. Trusting the folder then applies the workspace's value — the control
// that shows the setting was really there and would have redirected the model.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { assertBuilt, makeTestModel } from '../integration/environment';
import { thisMachineVsix } from '../extension/packaged';
import { CodeServer, ensureCodeServer, installExtension } from './code-server';
import { trustingProfile } from './trust-server';
import { launchChromium, openWorkbench, runFromPalette, screenshot, webviewFrame } from './workbench';

const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is';
const NOTICE = 'Restricted Mode: this workspace sets gpt2Explorer.modelPath';

describe('GPT-2 Explorer in Restricted Mode (code-server + Chromium, workspace trust on)', function () {
  this.timeout(600_000);
  const scratch = mkdtempSync(join(tmpdir(), 'gpt2-trust-'));
  const workspace = join(scratch, 'lesson-folder');
  const elsewhere = join(scratch, 'elsewhere'); // where the workspace points the model: nothing there
  let server: CodeServer | null = null;
  let browser: Browser | null = null;

  before(async function () {
    this.timeout(900_000); // a first run installs code-server (about two minutes on these machines)
    assertBuilt();
    await ensureCodeServer();
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, 'lesson.txt'), LESSON_SENTENCE);
    writeFileSync(join(workspace, '.vscode', 'settings.json'), `{\n  // a downloaded lesson folder that points the model elsewhere\n  "gpt2Explorer.modelPath": ${JSON.stringify(elsewhere)},\n}\n`);
    const profile = trustingProfile(join(scratch, 'profile'), await makeTestModel(join(scratch, 'model')));
    await installExtension(profile, await thisMachineVsix());
    server = await CodeServer.start(profile, workspace, { workspaceTrust: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("analyzes the selection with the user's model, ignores the workspace's model folder and says so once; trusting the folder applies it", async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await openWorkbench(page, server!.url(workspace));
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 }); // the folder is untrusted
      await selectLessonText(page);
      await page.locator('.statusbar-item', { hasText: 'GPT-2' }).first().waitFor({ timeout: 60_000 }); // activated in Restricted Mode
      await page.locator('.notification-list-item-message', { hasText: NOTICE }).first().waitFor({ timeout: 60_000 });

      await runFromPalette(page, 'GPT-2: Analyze Selection');
      const explorer = await webviewFrame(page, '.chip');
      await explorer.waitForFunction(() => document.querySelectorAll('.chip').length === 12, undefined, { timeout: 60_000 });
      await screenshot(page, 'trust-restricted');
      assert.equal(await noticesInCenter(page), 1, 'the notice is shown once');

      await grantTrust(page);
      const missing = page.locator('.notification-list-item-message', { hasText: `The model folder ${elsewhere} does not exist (setting gpt2Explorer.modelPath)` });
      await missing.first().waitFor({ timeout: 60_000 });
      await screenshot(page, 'trust-granted');
    } catch (error) {
      const shot = await screenshot(page, 'trust-failure').catch(() => 'none');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n\nScreenshot: ${shot}\ncode-server log (tail):\n${server!.logTail()}`);
    }
  });
});

/** Opens lesson.txt from the file explorer and selects all of it. */
async function selectLessonText(page: Page): Promise<void> {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lesson.txt' }).click();
  const text = page.locator('.monaco-editor .view-lines');
  await text.waitFor();
  await text.click();
  await page.keyboard.press('Control+A');
}

/** How many of our notices the notification center holds (toasts hide, the center keeps them). */
async function noticesInCenter(page: Page): Promise<number> {
  await runFromPalette(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor();
  const count = await center.locator('.notification-list-item-message', { hasText: NOTICE }).count();
  await page.keyboard.press('Escape');
  return count;
}

/** Workspaces: Manage Workspace Trust, then its Trust button; the status bar's Restricted Mode goes away. */
async function grantTrust(page: Page): Promise<void> {
  await runFromPalette(page, 'Workspaces: Manage Workspace Trust');
  await page.locator('.workspace-trust-buttons').getByText('Trust', { exact: true }).click(); // not "Trust Parent"
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached', timeout: 30_000 });
}
