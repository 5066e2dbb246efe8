// Reduced motion, in headless Chromium: the positions panel's dots glide between layers over about
// 200 ms, but jump there in the first frame when the system asks for reduced motion
// (prefers-reduced-motion, emulated) or VS Code does (its vscode-reduce-motion body class).

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ExplorerPage, openExplorer, suitePages } from './harness';
import { scatterAt } from './page-checks';

interface Landing {
  frames: number; // animation frames from the slider's move until the scatter landed (-1: not within 120)
  ms: number;
}

/**
 * Moves the Layer slider to 12 and measures how long the scatter takes to land there.
 * A string, not a function: tsx would add helpers the page does not have.
 */
const LAND_ON_LAYER_12 = `new Promise((resolve) => {
  const slider = document.querySelector('input[type="range"][aria-label="Layer"]');
  const scatter = document.querySelector('.scatter');
  slider.value = '12';
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  const start = performance.now();
  let frames = 0;
  const count = () => {
    if (scatter.dataset.shownLayer === '12') resolve({ frames, ms: performance.now() - start });
    else if (++frames > 120) resolve({ frames: -1, ms: performance.now() - start });
    else requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
})`;

// Preact runs the effect that starts the glide a frame or two after the input event.
const JUMP_FRAMES = 3;

describe('reduced motion (Chromium)', () => {
  const pages = suitePages();
  let explorer: ExplorerPage;

  afterEach(() => explorer.close());

  async function openPositions(): Promise<Page> {
    explorer = await openExplorer(pages.browser, pages.server);
    const { page } = explorer;
    await page.locator('.chip').first().waitFor();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await scatterAt(page, 0);
    return page;
  }

  const land = (page: Page) => page.evaluate(LAND_ON_LAYER_12) as Promise<Landing>;

  it('the layer glide takes its 200 ms when motion is welcome', async () => {
    const page = await openPositions();
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    const landing = await land(page);
    assert.ok(landing.frames > JUMP_FRAMES && landing.ms >= 200, `the glide landed after ${JSON.stringify(landing)}`);
  });

  it('prefers-reduced-motion: reduce makes the dots jump to the layer', async () => {
    const page = await openPositions();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const landing = await land(page);
    assert.ok(landing.frames >= 0 && landing.frames <= JUMP_FRAMES, `landed after ${JSON.stringify(landing)}`);
    assert.equal(await page.locator('table[aria-label="Token positions at layer 12"] tr').count(), 12);
    assert.deepEqual(explorer.violations, []);
  });

  it("VS Code's reduce-motion setting (the vscode-reduce-motion body class) does the same", async () => {
    const page = await openPositions();
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.evaluate(() => document.body.classList.add('vscode-reduce-motion'));
    const landing = await land(page);
    assert.ok(landing.frames >= 0 && landing.frames <= JUMP_FRAMES, `landed after ${JSON.stringify(landing)}`);
  });
});
