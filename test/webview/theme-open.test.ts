// A page opened in a theme is drawn as one switched to it: every other test builds its state in the dark theme and
// switches in place (theme-switch.ts), so this one opens the Self-Attention scene (heatmap, scatter, Q/K/V, lens:
// canvases and toolkit controls) directly in each other theme and compares the picture with the switched page's.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openExplorer, suitePages } from './harness';
import { sceneBackend, SCENES } from './scenes';
import { switchTheme } from './theme-switch';
import type { ThemeName } from './themes';

const THEMES_OPENED: ThemeName[] = ['light', 'hc', 'hc-light'];

describe('explorer webview opened in each theme (Chromium)', () => {
  const pages = suitePages();

  it('draws the Self-Attention scene opened in light, hc and hc-light as the dark page switched to them (within 2 levels of 255 a channel)', async () => {
    const open = async (theme: ThemeName) => {
      const explorer = await openExplorer(pages.browser, pages.server, { theme, backend: sceneBackend('self-attention') });
      await explorer.page.locator('.chip').first().waitFor();
      await SCENES['self-attention'](explorer);
      return explorer;
    };
    const switched = await open('dark');
    try {
      for (const theme of THEMES_OPENED) {
        await switchTheme(switched.page, theme);
        const direct = await open(theme);
        try {
          const [a, b] = [await switched.page.screenshot({ fullPage: true }), await direct.page.screenshot({ fullPage: true })];
          const differ = await pixelsApart(direct.page, a, b);
          assert.deepEqual(differ, { size: 'same', over: 0 }, `${theme}: the page opened in it differs from the page switched to it`);
          assert.deepEqual(direct.violations, [], 'CSP violations or page errors');
        } finally {
          await direct.close();
        }
      }
    } finally {
      await switched.close();
    }
  });
});

/**
 * How many pixels of two PNGs differ by more than TOLERANCE in a channel (decoded in `page`); a colour rounded
 * one level apart (the toolkit derives some from the variables) is the same colour, a wrong one is far off.
 */
async function pixelsApart(page: Page, a: Buffer, b: Buffer): Promise<{ size: string; over: number }> {
  return page.evaluate(
    async ({ a, b, tolerance }) => {
      // No named function in here: tsx would wrap it in a helper the page does not have.
      const [x, y] = await Promise.all(
        [a, b].map(async (base64) => {
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)); // not fetch(): the page's CSP has no data: to connect to
          const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
          const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
          context.drawImage(bitmap, 0, 0);
          return context.getImageData(0, 0, bitmap.width, bitmap.height);
        }),
      );
      if (x.width !== y.width || x.height !== y.height) return { size: `${x.width}×${x.height} against ${y.width}×${y.height}`, over: -1 };
      let over = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        if (Math.max(Math.abs(x.data[i] - y.data[i]), Math.abs(x.data[i + 1] - y.data[i + 1]), Math.abs(x.data[i + 2] - y.data[i + 2])) > tolerance) over++;
      }
      return { size: 'same', over };
    },
    { a: a.toString('base64'), b: b.toString('base64'), tolerance: TOLERANCE },
  );
}

const TOLERANCE = 2; // levels of 255
