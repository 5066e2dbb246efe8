// GPT-2 Explorer in a real VS Code: code-server 4.100.3 with the packaged VSIX installed, driven by
// Debian's Chromium, on a tiny generated test model. A user selects the lesson sentence, runs Analyze
// Selection from the editor's context menu, steps, and presses a walkthrough button. Then the integration
// suite (test/integration) runs inside code-server's extension host, as @vscode/test-electron would run it.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import type { Browser, Frame, Page } from 'playwright-core';
import { cli } from '../cli/run-cli';
import { buildIntegrationSuite } from '../integration/build';
import { expectNoViolations } from '../webview/axe';
import { assertBuilt, makeTestModel } from '../integration/environment';
import { knownModel } from '../../src/engine/known-models';
import { thisMachineVsix } from '../extension/packaged';
import { CodeServer, ensureCodeServer, installExtension, makeProfile, ROOT } from './code-server';
import { launchChromium, openFile, openWorkbench, quickPick, reloadWindow, runFromPalette, screenshot, webviewFrame } from './workbench';

const LESSON_SENTENCE = 'The capital of Germany is Berlin. The capital of France is';
const SECOND_SENTENCE = 'The capital of Germany is Berlin. The capital of Italy is'; // the same 12 tokens but one

describe('GPT-2 Explorer in a real VS Code (code-server + Chromium)', function () {
  this.timeout(600_000);
  const scratch = mkdtempSync(join(tmpdir(), 'gpt2-e2e-'));
  const workspace = join(scratch, 'workspace');
  const hub = join(scratch, 'hub'); // the Hugging Face cache the extension host is given: GPT-2 medium's pinned snapshot, a tiny model
  let modelDir = '';
  let browser: Browser | null = null;
  const servers: CodeServer[] = [];

  before(async function () {
    this.timeout(900_000); // a first run installs code-server (about two minutes on these machines)
    assertBuilt();
    await ensureCodeServer();
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'lesson.txt'), LESSON_SENTENCE);
    writeFileSync(join(workspace, 'italy.txt'), SECOND_SENTENCE);
    modelDir = await makeTestModel(join(scratch, 'model'));
    cacheAs(hub, MEDIUM.id, MEDIUM.source.revision, await makeTestModel(join(scratch, 'medium')));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Runs `body`; on failure the error carries code-server's log tail and a screenshot is kept. */
  async function withDiagnostics(server: CodeServer, page: Page, name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const shot = await screenshot(page, `${name}-failure`).catch(() => 'none');
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n\nScreenshot: ${shot}\ncode-server log (tail):\n${server.logTail()}`);
    }
  }

  async function startServer(profileName: string): Promise<CodeServer> {
    const profile = makeProfile(join(scratch, profileName), modelDir);
    if (profileName === 'user') {
      await installExtension(profile, await thisMachineVsix());
    }
    const env: Record<string, string> = profileName === 'user' ? { HF_HUB_CACHE: hub, HF_HUB_OFFLINE: '1' } : {};
    const server = await CodeServer.start(profile, workspace, { env });
    servers.push(server);
    return server;
  }

  it('analyzes the selected lesson sentence from the context menu, steps, and runs a walkthrough step', async () => {
    const server = await startServer('user');
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    await withDiagnostics(server, page, 'vscode', async () => {
      await openWorkbench(page, server.url(workspace));
      const explorer = await analyzeFromContextMenu(page);
      await screenshot(page, 'vscode-analyze');
      await attributionAgreesWithCli(page, explorer, modelDir);
      await stepOnce(page, explorer);
      await screenshot(page, 'vscode-step');
      const lesson = await runWalkthroughStep(page, explorer);
      await screenshot(page, 'vscode-walkthrough');
      keepScreenshot('vscode-walkthrough');
      await accessibleInEveryTheme(page, explorer, lesson);
      await compareWithSelection(page);
      await screenshot(page, 'vscode-compare');
      await progressSurvivesReload(page);
      await openGetStartedWalkthrough(page);
      await screenshot(page, 'vscode-get-started');
      await chooseCachedModel(page, join(scratch, 'user', 'user-data'));
      await screenshot(page, 'vscode-choose-model');
    });
  });

  it('passes the integration suite inside code-server\'s extension host', async () => {
    const suite = await buildIntegrationSuite();
    const server = await startServer('development');
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const log: string[] = [];
    const exitCode = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => void log.push(format(...args)));
    const payload: [string, string][] = [
      ['extensionDevelopmentPath', server.remoteUri(ROOT)],
      ['extensionTestsPath', server.remoteUri(suite)],
    ];
    await page.goto(server.url(workspace, payload));
    const code = await Promise.race([exitCode, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 300_000))]);
    const report = log.join('\n');
    assert.notEqual(code, -1, `the suite did not finish within 5 minutes:\n${report}\ncode-server log (tail):\n${server.logTail()}`);
    assert.match(report, /passing/, `no mocha report came back:\n${report}\n${server.logTail()}`);
    assert.equal(code, 0, `integration tests failed:\n${report}`);
    const activation = report.match(/activation: .*/)?.[0];
    if (activation) console.log(`      ${activation} (in code-server's extension host)`);
  });
});

const MEDIUM = knownModel('gpt2-medium')!;

/** `model`'s files laid out as huggingface_hub writes them: blobs named by their sha256, relative snapshot links. */
function cacheAs(hub: string, repo: string, commit: string, model: string): void {
  const repoDir = join(hub, `models--${repo.replace('/', '--')}`);
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  for (const name of readdirSync(model)) {
    const bytes = readFileSync(join(model, name));
    const blob = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(repoDir, 'blobs', blob), bytes);
    symlinkSync(join('..', '..', 'blobs', blob), join(snapshot, name));
  }
}

/**
 * GPT-2: Choose Model from the palette: the quick pick says GPT-2 medium is in the Hugging Face cache; picking it
 * runs it (the status bar and the explorer's model line name its repository) with the same sentence. The profile's
 * Remote (Machine) settings name the folder too and would outrank the user's, which Choose Model writes: a user
 * who set it there is warned (choose.ts); here it is taken out of that file first.
 */
async function chooseCachedModel(page: Page, userDataDir: string): Promise<void> {
  const machine = join(userDataDir, 'Machine', 'settings.json');
  const settings = JSON.parse(readFileSync(machine, 'utf8'));
  delete settings['gpt2Explorer.modelPath'];
  writeFileSync(machine, JSON.stringify(settings, null, 2));
  await runFromPalette(page, 'GPT-2: Choose Model');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name').getByText('GPT-2 medium (355M)', { exact: true }) }).first();
  await row.waitFor();
  assert.match(await row.innerText(), /openai-community\/gpt2-medium · .* on this machine \(Hugging Face cache\)/);
  await row.click();
  await page.locator('.statusbar-item', { hasText: 'ready (openai-community/gpt2-medium)' }).first().waitFor({ timeout: 120_000 });
  assert.equal(await page.locator('.notifications-toasts .notification-list-item', { hasText: 'does not exist' }).count(), 0, 'no false "missing model" on the way');
  await page.locator('.tabs-container .tab', { hasText: 'GPT-2 Explorer' }).first().click(); // behind the walkthrough's tab
  const explorer = await webviewFrame(page, '.status'); // on the Generation tab, where the walkthrough left it: no chips there
  await explorer.locator('.status', { hasText: 'openai-community/gpt2-medium (test model (2 layers, 64 wide))' }).waitFor({ timeout: 60_000 });
  await explorer.locator('#tab-tokens').click();
  await waitFor(explorer, '.chip', 12, 'the lesson sentence again, on the chosen model');
}

/** Opens lesson.txt, selects all of it and picks GPT-2's Analyze Selection from the editor's context menu. */
async function analyzeFromContextMenu(page: Page): Promise<Frame> {
  await openFile(page, 'lesson.txt');
  const text = page.locator('.part.editor .monaco-editor .view-lines').first();
  await text.click();
  await page.keyboard.press('Control+A');
  // The extension activates on plain text; its status bar item says it is there (and its menus with it).
  await page.locator('.statusbar-item', { hasText: 'GPT-2' }).first().waitFor({ timeout: 60_000 });
  await text.click({ button: 'right' });
  // The menu closes while its item is being clicked, which Playwright takes for a detached element and
  // retries: point at the item and press Enter instead.
  await page.getByRole('menuitem', { name: 'Analyze Selection' }).hover();
  await page.keyboard.press('Enter');
  const explorer = await webviewFrame(page, '.chip');
  await waitFor(explorer, '.chip', 12, 'the 12 token chips of the lesson sentence');
  return explorer;
}

/**
 * The Attribution panel on the Generation tab (top-1 versus top-2 at the last token of the lesson sentence):
 * its total is what `gpt2-explorer attribute` prints for the same model, prompt and tokens, another process
 * and another path through the engine (the CLI's own trace, not the session worker's). Closed again after.
 */
async function attributionAgreesWithCli(page: Page, explorer: Frame, modelDir: string): Promise<void> {
  await explorer.locator('#tab-generation').click();
  await explorer.getByRole('button', { name: 'Show Attribution' }).click();
  await explorer.locator('.attribution:not(.stale)').waitFor({ timeout: 60_000 });
  const [target, versus] = await Promise.all(['Target', 'Versus'].map((name) => explorer.getByRole('combobox', { name }).getAttribute('current-value')));
  const shown = Number((await explorer.locator('.attribution__total strong').innerText()).replace('−', '-'));
  await screenshot(page, 'vscode-attribution');
  const run = await cli(['attribute', '--model', modelDir, '--json', '--target-id', target!, '--versus-id', versus!, LESSON_SENTENCE]);
  assert.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout) as { total: number; target: { id: number }; versus: { id: number } };
  assert.deepEqual([printed.target.id, printed.versus.id], [Number(target), Number(versus)]);
  assert.ok(Math.abs(shown - printed.total) <= 1.5e-3, `the panel's total ${shown}, the CLI's ${printed.total}`);
  await explorer.getByRole('button', { name: 'Hide Attribution' }).click();
  await explorer.locator('#tab-tokens').click();
}

/** Presses Step on the Generation tab: the counter reads 1 / 10 and a 13th, blue chip appears. */
async function stepOnce(page: Page, explorer: Frame): Promise<void> {
  await explorer.locator('#tab-generation').click();
  await explorer.getByRole('button', { name: /^Step/ }).click();
  await explorer.locator('.counter', { hasText: '1 / 10 tokens generated' }).waitFor();
  await explorer.locator('#tab-tokens').click();
  await waitFor(explorer, '.chip', 13, 'a 13th chip after Step');
  assert.equal(await explorer.locator('.chip--generated').count(), 1, 'exactly one generated (blue) chip');
  assert.match((await explorer.locator('.chip').nth(12).getAttribute('class')) ?? '', /chip--generated/, 'the new chip is the last one');
  await page.waitForTimeout(300); // let the bars settle for the screenshot
}

/** GPT-2: Compare With… on a second file's selection: the Compare tab sets it beside the sentence, and patching draws its grids. */
async function compareWithSelection(page: Page): Promise<void> {
  await page.locator('.part.editor .monaco-editor .view-lines').first().click(); // lesson.txt's group, so italy.txt opens there and not behind the explorer
  await openFile(page, 'italy.txt');
  const text = page.locator('.part.editor .monaco-editor .view-lines', { hasText: 'Italy' }).first();
  await text.click();
  await page.keyboard.press('Control+A');
  await text.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Compare With…' }).hover();
  await screenshot(page, 'vscode-compare-menu');
  await page.keyboard.press('Enter');
  const explorer = await webviewFrame(page, '.compare__rows');
  assert.equal(await explorer.locator('.compare__rows td.compare__token--differs').count(), 2, 'one position differs, marked in both rows');
  await explorer.getByRole('button', { name: 'Run Patching' }).click();
  await explorer.locator('figure.patching__grid[data-what="heads"]').waitFor({ timeout: 60_000 });
  await expectNoViolations(explorer, "the Compare tab in VS Code's Light Modern");
}

/** Opens the GPT-2 side panel, goes to "Step three more times" and presses its button, by keyboard. */
async function runWalkthroughStep(page: Page, explorer: Frame): Promise<Frame> {
  const lesson = await openLessonView(page);
  await lesson.getByRole('button', { name: /Step three more times/ }).focus();
  await page.keyboard.press('Enter');
  await lesson.locator('button[data-step="loop"]').focus();
  await page.keyboard.press('Enter');
  await explorer.locator('.counter', { hasText: '4 / 10 tokens generated' }).waitFor();
  await lesson.locator('.step--done', { hasText: 'Step three more times' }).waitFor();
  return lesson;
}

/**
 * axe-core on both webviews as VS Code itself paints them, in each of its four kinds of theme (the headless
 * tests check our pages under copied theme variables; this checks the real ones, the side bar's colour included).
 */
async function accessibleInEveryTheme(page: Page, explorer: Frame, lesson: Frame): Promise<void> {
  for (const theme of ['Dark Modern', 'Light High Contrast', 'Dark High Contrast', 'Light Modern']) {
    await runFromPalette(page, 'Preferences: Color Theme');
    await quickPick(page, theme, theme);
    for (const [frame, view] of [[explorer, 'explorer panel'], [lesson, 'lesson view']] as const) {
      await frame.waitForFunction((name) => document.body.dataset.vscodeThemeName === name, theme);
      await frame.waitForFunction(() => document.querySelectorAll('.stale').length === 0); // dimmed while a view reloads
      await expectNoViolations(frame, `the ${view} in VS Code's ${theme}`);
    }
    await screenshot(page, `vscode-axe-${theme.toLowerCase().replace(/ /g, '-')}`);
  }
}

async function openLessonView(page: Page): Promise<Frame> {
  await page.locator('.activitybar .action-item a[aria-label^="GPT-2 Explorer"]').click();
  return webviewFrame(page, '.steps');
}

/** The lesson's progress is kept in globalState: after a window reload the view comes back with the same steps ticked. */
async function progressSurvivesReload(page: Page): Promise<void> {
  const before = await (await webviewFrame(page, '.steps')).locator('.step--done').allTextContents();
  await reloadWindow(page);
  const restored = await webviewFrame(page, '.steps'); // the side bar is restored with the lesson view in it
  await restored.locator('.step--done', { hasText: 'Step three more times' }).waitFor();
  assert.deepEqual(await restored.locator('.step--done').allTextContents(), before);
}

/** The Get Started page lists our walkthrough; its steps show their markdown media. */
async function openGetStartedWalkthrough(page: Page): Promise<void> {
  await runFromPalette(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Layers, Logits, Decoding' }).click();
  await page.locator('.getting-started-step', { hasText: 'Analyze the lesson sentence' }).click();
  await webviewFrame(page, 'text=Twelve tokens, not one string');
}

async function waitFor(frame: Frame, selector: string, count: number, what: string): Promise<void> {
  try {
    await frame.waitForFunction(([css, n]) => document.querySelectorAll(css as string).length === n, [selector, count] as const, { timeout: 60_000 });
  } catch {
    throw new Error(`expected ${what} (${count} × ${selector}), found ${await frame.locator(selector).count()}`);
  }
}

/** Keeps one good screenshot of the real VS Code for the README (run with UPDATE_SCREENSHOTS=1). */
function keepScreenshot(name: string): void {
  if (process.env.UPDATE_SCREENSHOTS) copyFileSync(join(ROOT, 'test-results', `${name}.png`), join(ROOT, 'media', 'screenshots', `${name}.png`));
}
