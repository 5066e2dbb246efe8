// The explorer webview on the real host: the extension's ExplorerController answers the page, running
// the session worker on a small seeded GPT-2-shaped model with the real tokenizer. Nothing is faked but
// acquireVsCodeApi and VS Code's notifications; the numbers are random-weight numbers, the flow is real.

import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PRESETS } from '../../src/explorer/presets';
import { testModel, TINY } from '../engine/models';
import { ExplorerPage, openExplorer, PageServer, servePages } from './harness';
import { giveBackChromium, takeChromium } from './page-pool';
import { ControllerBackend } from './controller-backend';

// TINY loads in a moment (dh = 12); the second is gpt2-medium's depth and heads, narrowed (dh = 4).
const SHAPES = [TINY, { seed: 32, nLayer: 24, nHead: 16, nEmbd: 64, nPositions: 32 }];

for (const options of SHAPES) {
  const SHAPE = { nLayer: options.nLayer!, nHead: options.nHead!, nEmbd: options.nEmbd! };
  describe(`explorer webview on the real controller and worker (test model, ${SHAPE.nLayer} layers, ${SHAPE.nHead} heads)`, () => {
    let browser: Browser;
    let server: PageServer;
    let backend: ControllerBackend;
    let explorer: ExplorerPage;

    before(async () => {
      const modelDir = await testModel(options);
      [browser, server, backend] = await Promise.all([takeChromium(), servePages(), ControllerBackend.start(modelDir, PRESETS)]);
    });
    after(async () => {
      await explorer?.close();
      if (browser) giveBackChromium();
      await Promise.all([server?.close(), backend?.dispose()]);
    });

    it('draws the worker’s session and follows Step, the slider, a chip, Q/K/V and the lens', async () => {
      explorer = await openExplorer(browser, server, { backend });
      const { page } = explorer;
      await page.locator('.chip').first().waitFor();
      await page.getByRole('tab', { name: 'Self-Attention' }).click();
      assert.deepEqual(await page.locator('.chip').allInnerTexts(), ['The', '·capital', '·of', '·Germany', '·is', '·Berlin', '.', '·The', '·capital', '·of', '·France', '·is']);
      assert.equal(await page.locator('vscode-dropdown[aria-label="Layer"] vscode-option').count(), SHAPE.nLayer);
      assert.equal(await page.locator('vscode-dropdown[aria-label="Head"] vscode-option').count(), SHAPE.nHead);
      assert.equal(await page.getByRole('slider', { name: 'Layer', exact: true }).getAttribute('max'), String(SHAPE.nLayer));
      await page.waitForFunction(() => !document.querySelector('.heatmap')!.classList.contains('stale'));

      await page.getByRole('slider', { name: 'Layer', exact: true }).fill(String(SHAPE.nLayer));
      await page.waitForSelector(`.scatter[data-shown-layer="${SHAPE.nLayer}"]`);

      await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
      await page.locator('.chip').nth(11).click();
      await page.locator('.strip:not(.strip--empty)').nth(2).waitFor();
      assert.equal(await page.locator('.strip').nth(0).locator('.cell').count(), SHAPE.nEmbd / SHAPE.nHead);
      await page.locator('.lens__row').nth(9).waitFor();
      const lensLayer = page.getByRole('slider', { name: 'Lens layer', exact: true });
      assert.deepEqual([await lensLayer.getAttribute('max'), await lensLayer.inputValue()], [String(SHAPE.nLayer), String(SHAPE.nLayer)], 'the lens starts at the last layer');
      await page.getByText(`a 2D approximation of its ${SHAPE.nEmbd} numbers`).waitFor();

      await page.getByRole('button', { name: 'Step: append the top token' }).click();
      await page.getByText('1 / 10 tokens generated').waitFor();
      assert.equal(await page.locator('.chip--generated').count(), 1);
      await page.getByRole('button', { name: 'Sample: roll once without appending' }).click();
      await page.getByText('Last draw:', { exact: false }).waitFor();

      assert.deepEqual(explorer.violations, []);
      assert.deepEqual(explorer.host.malformed, []);
      assert.deepEqual(backend.ui.problems, [], 'the controller reported no problem');
    });
  });
}
