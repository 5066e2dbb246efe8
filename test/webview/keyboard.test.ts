// The lesson by keyboard alone, in headless Chromium: no mouse event at all (the page counts pointer
// and mouse events and the test expects none), only Tab, arrows, Home/End, Enter and Space. Every
// control the focus passes shows a ring that stands out from the background, in every theme, and what
// Step and Sample bring is announced in a polite live region.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import * as lesson from './fixtures/lesson';
import { lesson as lessonSteps, progress } from './fixtures/walkthrough';
import { ExplorerPage, openExplorer, openLessonPage, suitePages } from './harness';
import { Focused, readFocus, ringProblem, tabTo } from './focus';
import { scatterAt } from './page-checks';
import { switchTheme } from './theme-switch';
import { THEME_NAMES } from './themes';

/** Counts every pointer and mouse event the page sees; a keyboard-only test expects none. */
const COUNT_MOUSE = `window.__mouseEvents = 0;
  for (const type of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'mousemove', 'pointermove'])
    window.addEventListener(type, () => window.__mouseEvents++, true);`;

const paris = (lesson.session() as { session: { next: { top: { prob: number }[] } } }).session.next.top[0];

describe('the lesson by keyboard alone (Chromium)', () => {
  const pages = suitePages();
  let explorer: ExplorerPage;
  let problems: string[]; // focus rings that were missing or too faint

  beforeEach(() => {
    problems = [];
  });
  afterEach(() => explorer.close());

  /** What every test here ends with (in the test, not in afterEach, so one failure does not skip the rest). */
  async function expectKeyboardOnly() {
    assert.equal(await explorer.page.evaluate('window.__mouseEvents'), 0, 'no mouse or pointer event reached the page');
    assert.deepEqual(explorer.violations, [], 'CSP violations or page errors');
    assert.deepEqual(problems, [], 'every focused control shows its ring');
  }

  async function open(theme: (typeof THEME_NAMES)[number] = 'dark'): Promise<Page> {
    explorer = await openExplorer(pages.browser, pages.server, { theme });
    await explorer.page.evaluate(COUNT_MOUSE);
    await explorer.page.locator('.chip').first().waitFor();
    return explorer.page;
  }

  async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`never happened: ${what}`);
  }

  const announced = (page: Page, text: string | RegExp) => page.locator('.announcement', { hasText: text }).waitFor({ state: 'attached' });

  it('sentence, tabs, chips, Layer/Head, the layer slider, Q/K/V, Step, Sample and temperature', async () => {
    const page = await open();
    const host = explorer.host;
    await tabTo(page, 'VSCODE-PANEL-TAB', 'Tokens', problems);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Attention', exact: true }).waitFor();

    await tabTo(page, 'VSCODE-DROPDOWN', 'Sentence', problems);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelectorAll('.chip').length === 8);
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.querySelectorAll('.chip').length === 12);
    assert.deepEqual(host.ofType('selectSentence').map((message) => message.id), ['fox', 'capitals']);

    await tabTo(page, 'BUTTON', 'Token 12: space + is', problems);
    await page.keyboard.press('Enter');
    await eventually(() => host.ofType('requestLens').find((message) => message.token === 11), 'requestLens for the last chip');

    await tabTo(page, 'VSCODE-DROPDOWN', 'Layer', problems);
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    await eventually(() => host.ofType('requestAttention').find((m) => m.layer === 11 && m.head === 0), 'requestAttention 11/0');
    await tabTo(page, 'VSCODE-DROPDOWN', 'Head', problems);
    await page.keyboard.press('ArrowDown');
    await eventually(() => host.ofType('requestAttention').find((m) => m.layer === 11 && m.head === 1), 'requestAttention 11/1');
    await page.keyboard.press('ArrowUp');

    await tabTo(page, 'INPUT', 'Layer', problems);
    await page.keyboard.press('End');
    await scatterAt(page, 12);
    await page.keyboard.press('ArrowLeft');
    await scatterAt(page, 11);

    await tabTo(page, 'VSCODE-BUTTON', 'Show Q / K / V Vectors', problems);
    await page.keyboard.press('Enter');
    await eventually(() => host.ofType('requestQkv').find((m) => m.layer === 11 && m.head === 0 && m.token === 11), 'requestQkv 11/0 for the last chip');
    await page.locator('.strip:not(.strip--empty)').nth(2).waitFor();

    await tabTo(page, 'VSCODE-PANEL-TAB', 'Self-Attention', problems, true);
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'Generating the next token' }).waitFor();
    await tabTo(page, 'VSCODE-BUTTON', 'Step: append the top token', problems);
    await page.keyboard.press('Enter');
    await announced(page, `Step: appended " Paris" (${(paris.prob * 100).toFixed(1)} %) as token 13`);
    await tabTo(page, 'VSCODE-BUTTON', 'Sample: roll once without appending', problems);
    await page.keyboard.press('Space');
    await announced(page, /^Sample: drew " Paris" \(\d+\.\d %\), draw 1$/);

    await tabTo(page, 'INPUT', 'Temperature', problems);
    await page.keyboard.press('ArrowLeft');
    await eventually(() => host.ofType('setDecoding').find((m) => m.patch.temperature === 0.95), 'setDecoding temperature 0.95');
    await page.keyboard.press('Home');
    await eventually(() => host.ofType('setDecoding').find((m) => m.patch.temperature === 0), 'setDecoding temperature 0');
    await page.getByText('0 (greedy)').waitFor();
    await expectKeyboardOnly();
  });

  // One page for the four themes, switched in place (theme-switch.ts): the walk, not the open, is the test.
  it('every control on every tab shows a focus ring in every theme', async () => {
    const page = await open('dark');
    for (const theme of THEME_NAMES) {
      if (theme !== 'dark') await switchTheme(page, theme);
      const stops = new Map<string, Focused>(); // one look at each control
      // Each tab with everything open: the last chip chosen (its lens), Q/K/V shown.
      for (const tab of ['tokens', 'attention', 'generation'] as const) {
        await explorer.host.send({ type: 'ui', patch: { tab, token: 11, showQkv: true } });
        await page.locator(`#tab-${tab}[aria-selected="true"]`).focus();
        const start = await readFocus(page);
        for (let i = 0; i < 70; i++) {
          const focused = i === 0 ? start : await readFocus(page);
          if (i > 0 && focused.tag === start.tag && focused.name === start.name) break; // a whole lap: the next presses only come round again
          stops.set(`${focused.tag} ${focused.name}`, focused);
          await page.keyboard.press('Tab');
        }
      }
      for (const focused of stops.values()) {
        const problem = focused.tag === 'BODY' ? null : ringProblem(focused);
        if (problem) problems.push(`${theme}: ${problem}`);
      }
      assert.ok(stops.size > 20, `Tab went through ${stops.size} controls in ${theme}`);
    }
    await expectKeyboardOnly();
  });
});

describe('the lesson view by keyboard (Chromium)', () => {
  const pages = suitePages();
  let page: Page; // one page for the file: each test opens the lesson in it anew
  before(async () => (page = await pages.browser.newPage()));
  after(() => page?.close());

  for (const theme of THEME_NAMES) {
    it(`shows a focus ring on each step and button in ${theme}`, async () => {
      await openLessonPage(page, pages.server, theme, [lessonSteps, progress('qkv', ['sentence'])]);
      await page.locator('.step--open').waitFor();
      const problems: string[] = [];
      for (let i = 0; i < lessonSteps.steps.length + 2; i++) {
        await page.keyboard.press('Tab');
        const problem = ringProblem(await readFocus(page));
        if (problem) problems.push(problem);
      }
      assert.deepEqual(problems, []);
    });
  }
});
