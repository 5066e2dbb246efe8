// Colour is never the only cue, in headless Chromium: whatever the explorer paints in a meaning colour
// also differs in shape, pattern or position, so it reads in greyscale too.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import * as lesson from './fixtures/lesson';
import { ExplorerPage, openExplorer, suitePages } from './harness';
import { colourBlob, scatterAt } from './page-checks';
import { SCENES } from './scenes';

describe('second cues beside colour (Chromium)', () => {
  const pages = suitePages();
  let explorer: ExplorerPage;

  afterEach(() => explorer.close());

  async function open(): Promise<Page> {
    explorer = await openExplorer(pages.browser, pages.server);
    await explorer.page.locator('.chip').first().waitFor();
    return explorer.page;
  }

  const style = (page: Page, selector: string, properties: string[]) =>
    page.locator(selector).first().evaluate((el, names) => names.map((name) => getComputedStyle(el).getPropertyValue(name)), properties);

  it('the last token is a diamond outlined in the text colour; Q/K/V cells fill the upper half when positive, the lower when negative', async () => {
    const page = await open();
    await SCENES['self-attention'](explorer);
    await scatterAt(page, 6);
    const red = await colourBlob(page, '--vscode-charts-red');
    const outline = await colourBlob(page, '--vscode-foreground');
    assert.ok(outline.pixels > 20, `an outline is drawn: ${outline.pixels} pixels`);
    assert.ok(Math.hypot(outline.x - red.x, outline.y - red.y) < 2, `the outline surrounds the red mark: ${JSON.stringify([red, outline])}`);
    // A diamond of radius 10 leaves the corners of its 20×20 box empty; a disc of radius 10 would not.
    const corner = await page.evaluate(([x, y]) => {
      const canvas = document.querySelector('.scatter canvas') as HTMLCanvasElement;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round(x + 6), Math.round(y + 6), 1, 1).data);
    }, [red.x, red.y]);
    const redRgb = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-red').trim());
    assert.notEqual(rgbHex(corner), redRgb.toLowerCase(), 'the point 6 px right and down of the centre lies outside the diamond');

    // The same scene shows Q/K/V: positive cells fill the upper half, negative ones the lower half.
    const [positive] = await style(page, '.strip .cell--pos', ['background-image']);
    const [negative] = await style(page, '.strip .cell--neg', ['background-image']);
    assert.match(positive, /^linear-gradient\(rgb[^)]+\) 50%, rgba\(0, 0, 0, 0\) 50%\)$/, 'colour on top, clear below');
    assert.match(negative, /^linear-gradient\(rgba\(0, 0, 0, 0\) 50%, rgb[^)]+\) 50%\)$/, 'clear on top, colour below');
  });

  it('generated tokens: an unfilled, dashed chip and a dashed underline in the text so far', async () => {
    const page = await open();
    await explorer.host.send(lesson.session('capitals', 1));
    await page.locator('.chip--generated').waitFor();
    const [promptBorder, promptFill] = await style(page, '.chip:not(.chip--generated)', ['border-top-style', 'background-color']);
    const [generatedBorder, generatedFill] = await style(page, '.chip--generated', ['border-top-style', 'background-color']);
    assert.deepEqual([generatedBorder, generatedFill], ['dashed', 'rgba(0, 0, 0, 0)']);
    assert.notEqual(promptBorder, 'dashed');
    assert.notEqual(promptFill, 'rgba(0, 0, 0, 0)', 'a prompt chip is filled');
    await page.getByRole('tab', { name: 'Generation' }).click();
    assert.deepEqual(await style(page, '.so-far .generated', ['text-decoration-line', 'text-decoration-style']), ['underline', 'dashed']);
  });
});

function rgbHex([r, g, b]: number[]): string {
  return `#${[r, g, b].map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}
