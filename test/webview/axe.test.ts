// axe-core on every panel of both webviews in every theme (each state built once, the themes switched in
// place as VS Code does: theme-switch.ts): the explorer before a session and on its
// three tabs with everything open and a branched decoding tree (lens, Q/K/V, the draw tallies), reading a long prompt, and the lesson view. Any violation
// of any impact fails with its rule and nodes.

import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Backend } from './fake-host';
import * as fixtures from './fixtures/lesson';
import { lesson, progress } from './fixtures/walkthrough';
import { ExplorerPage, openExplorer, openLessonPage, PageServer, suitePages } from './harness';
import { sceneBackend, SCENES } from './scenes';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import type { ThemeName } from './themes';

const lesson10 = fixtures.session('capitals', 10); // ten tokens generated: generation has stopped

describe('axe-core on every panel in every theme (Chromium)', () => {
  const pages = suitePages();

  // Each page state is built once, in the dark theme, then checked in every theme switched in place.
  it('explorer before a session, with an error offering its fix', async () => {
    await checkExplorer('empty explorer', async ({ page, host }) => {
      await host.send({ type: 'error', message: 'GPT-2 is not downloaded yet.', action: 'downloadModel' });
      await page.getByText('Nothing to explore yet.').waitFor();
      await page.getByRole('button', { name: 'Download GPT-2' }).waitFor();
    }, null);
  });
  for (const [name, scene] of Object.entries(SCENES)) {
    it(`explorer, ${name} tab`, async () => {
      await checkExplorer(`the ${name} tab`, async (explorer) => {
        await explorer.page.locator('.chip').first().waitFor();
        await scene(explorer);
      }, sceneBackend(name));
    });
  }
  it('explorer, generation tab stopped, with a top-k it refuses', async () => {
    await checkExplorer('the stopped generation tab', async ({ page, host }) => {
      await page.locator('.chip').first().waitFor();
      await host.send({ type: 'ui', patch: { tab: 'generation' } });
      await host.send(lesson10);
      await page.getByText('Stopped: reached 10 new tokens').waitFor();
      const topK = page.locator('vscode-text-field[aria-label="Top-k"] input');
      await topK.fill('2.5');
      await topK.press('Enter');
      await page.locator('.field-error').waitFor();
    });
  });
  it('explorer reading a long prompt: chips, progress bar, Cancel', async () => {
    await checkExplorer('the long prompt on its way', async ({ page, host }) => {
      await page.locator('.chip').first().waitFor();
      const message = fixtures.session('capitals', 0);
      const tokens = message.type === 'session' ? message.session.tokens : [];
      await host.send({ type: 'progress', progress: { tokens, truncated: 300, done: 256, total: 700 } });
      await page.getByRole('progressbar').waitFor();
    });
  });
  it('lesson view', async () => {
    const page = await openLessonView(pages.browser, pages.server, 'dark');
    try {
      await page.locator('.step--open').waitFor();
      await expectNoViolationsInEveryTheme(page, 'the lesson view');
    } finally {
      await page.close();
    }
  });

  async function checkExplorer(what: string, scene: (explorer: ExplorerPage) => Promise<void>, backend?: Backend | null) {
    const explorer = await openExplorer(pages.browser, pages.server, { theme: 'dark', backend });
    try {
      await scene(explorer);
      await expectNoViolationsInEveryTheme(explorer.page, what);
      assert.deepEqual(explorer.violations, [], 'CSP violations or page errors');
    } finally {
      await explorer.close();
    }
  }
});

/** The lesson view with the lesson sent and the fourth step open, two done. */
async function openLessonView(browser: Browser, server: PageServer, theme: ThemeName) {
  const page = await browser.newPage();
  await openLessonPage(page, server, theme, [lesson, progress('qkv', ['sentence', 'red-dot'])]);
  return page;
}
