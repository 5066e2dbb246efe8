// Saves a screenshot of each explorer tab (and of a branched decoding tree) in VS Code's Dark Modern, Light Modern and Dark High Contrast colours to
// media/screenshots/ (shown in the README). `npm run screenshots` draws the hand-made lesson fixtures
// (illustrative numbers: " Paris" on top); `npm run screenshots -- --model models/gpt2` draws what the
// real session worker computes with the model in that folder.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PRESETS } from '../../src/explorer/presets';
import { launchChromium, openExplorer, servePages } from './harness';
import { sceneBackend, SCENES } from './scenes';
import type { ThemeName } from './themes';
import { WorkerBackend } from './worker-backend';

const OUT = join(__dirname, '..', '..', 'media', 'screenshots');

async function settle(page: Page) {
  await page.mouse.move(0, 0); // no hover highlights in the picture
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function main() {
  await mkdir(OUT, { recursive: true });
  const modelFlag = process.argv.indexOf('--model');
  const worker = modelFlag > 0 ? await WorkerBackend.start(process.argv[modelFlag + 1], [...PRESETS]) : null;
  const [browser, server] = await Promise.all([launchChromium(), servePages()]);
  try {
    for (const theme of ['dark', 'light', 'hc'] as ThemeName[]) {
      for (const [name, scene] of Object.entries(SCENES)) {
        const explorer = await openExplorer(browser, server, { theme, width: 820, height: 700, backend: worker ?? sceneBackend(name) });
        await explorer.page.locator('.chip').first().waitFor();
        await scene(explorer);
        await settle(explorer.page);
        const file = join(OUT, `${name}-${theme}.png`);
        await explorer.page.screenshot({ path: file, fullPage: true });
        console.log(`wrote ${file}`);
        await explorer.page.context().close();
      }
    }
  } finally {
    await Promise.all([browser.close(), server.close(), worker?.dispose()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
