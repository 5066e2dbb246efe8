// All heads at a glance in headless Chromium on the real controller and session worker (a small
// generated model, the real tokenizer): closed, the grid asks nothing; open, it draws every head, each
// map's first cell (the first token on itself: weight 1) at full strength in the theme's blue (in every
// theme: switched in place, it redraws) and a cell above the diagonal empty; hovering a head names the
// token the last position attends to most, with the float64 reference's weight; a click picks that layer
// and head everywhere; a chip asks again at that token. axe finds nothing in any theme.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PRESETS } from '../../src/explorer/presets';
import { shownToken } from '../../webview/explorer/token-text';
import { TINY } from '../engine/models';
import { loadReferenceModel, referenceForward } from '../engine/reference';
import { realControllerSuite } from './real-controller-suite';
import { expectNoViolationsInEveryTheme } from './theme-switch';
import { THEME_NAMES } from './themes';

const [LEFT, TOP] = [36, 18]; // heads-grid-draw.ts: room for the layer labels and the head numbers

describe('explorer webview: all heads at a glance (real controller and worker)', () => {
  const suite = realControllerSuite();

  async function openGrid(theme: (typeof THEME_NAMES)[number] = 'dark'): Promise<Page> {
    const page = await suite.open(theme);
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.getByRole('heading', { name: 'All Heads' }).waitFor();
    assert.equal(suite.explorer!.host.last('requestHeadsGrid'), undefined, 'a closed grid asks for nothing');
    await page.getByRole('button', { name: 'Show All Heads' }).click();
    await page.locator('.heads-grid:not(.stale)').waitFor();
    return page;
  }

  it('hover names where the last token looks most (the reference’s), click picks the head everywhere', async () => {
    const page = await openGrid();
    const tokenizer = await Gpt2Tokenizer.fromModelDir(suite.modelDir);
    const ids = tokenizer.encode(PRESETS[0].text).map((token) => token.id);
    const T = ids.length;
    assert.deepEqual(suite.explorer!.host.last('requestHeadsGrid'), { type: 'requestHeadsGrid', token: T - 1 });
    assert.match(await page.locator('.heads-grid__reduced').innerText(), /Reduced view: .*8-bit/);
    const [H, L] = [TINY.nHead!, TINY.nLayer!];
    const pitch = await page.locator('.heads-grid canvas').evaluate((canvas, [left, heads]) => (canvas.getBoundingClientRect().width - left) / heads, [LEFT, H]);
    assert.deepEqual(await mapCorners(page, pitch, 1, 2), { first: true, aboveDiagonal: true });

    await page.locator('.heads-grid canvas').hover({ position: { x: LEFT + 2.4 * pitch, y: TOP + 1.4 * pitch } });
    const attention = referenceForward(loadReferenceModel(suite.modelDir), ids).attention;
    const row = Array.from(attention.subarray(((1 * H + 2) * T + T - 1) * T, ((1 * H + 2) * T + T) * T));
    const key = row.indexOf(Math.max(...row));
    const text = (id: number) => shownToken(tokenizer.tokenText(id));
    const label = `Layer 1, head 2: “${text(ids[T - 1])}” attends most to “${text(ids[key])}” (${key + 1}) ${row[key].toFixed(3)}`;
    assert.equal(await page.locator('.heads-grid .tooltip').innerText(), label);
    assert.equal(await page.locator('.heads-grid table tr').nth(1).locator('td').nth(2).textContent(), label, 'screen readers read the same in the hidden table');

    await page.locator('.heads-grid canvas').click({ position: { x: LEFT + 2.4 * pitch, y: TOP + 1.4 * pitch } });
    await waitFor(() => suite.explorer!.host.last('uiState')?.ui, (ui) => ui?.layer === 1 && ui.head === 2, 'the page picks layer 1, head 2');
    // Drawn from the patterns the host read ahead after the first attention answer, or asked for: either way, that head.
    await page.locator('.heatmap:not(.stale) canvas[aria-label^="Attention of layer 1, head 2:"]').waitFor();
    assert.ok(L > 1);

    await page.locator('.chip').nth(1).click();
    await waitFor(() => suite.explorer!.host.last('requestHeadsGrid'), (asked) => asked?.token === 1, 'a chosen chip asks the grid again at its token');
  });

  it('has no accessibility violations with the grid open, in every theme, and redraws it in each theme\'s blue', async () => {
    const page = await openGrid();
    const pitch = await page.locator('.heads-grid canvas').evaluate((canvas, [left, heads]) => (canvas.getBoundingClientRect().width - left) / heads, [LEFT, TINY.nHead!]);
    await expectNoViolationsInEveryTheme(page, 'All Heads grid', 'dark', async (theme) => {
      assert.deepEqual(await mapCorners(page, pitch, 1, 2), { first: true, aboveDiagonal: true }, `the map drawn in the ${theme} theme's colours`);
    });
  });
});

/** Head (layer, head)'s first cell is the theme's blue at full strength; its top-right cell (above the diagonal) is empty. */
async function mapCorners(page: Page, pitch: number, layer: number, head: number) {
  return page.evaluate(
    ({ left, top, pitch, layer, head }) => {
      const canvas = document.querySelector('.heads-grid canvas') as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const [x, y] = [left + head * pitch, top + layer * pitch];
      const context = canvas.getContext('2d')!;
      // No inner named functions: tsx would wrap them in a helper the page lacks.
      const [first, corner] = [[2, 2], [pitch - 6, 2]].map(([dx, dy]) => context.getImageData(Math.round((x + dx) * ratio), Math.round((y + dy) * ratio), 1, 1).data);
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim();
      probe.fillRect(0, 0, 1, 1);
      const blue = probe.getImageData(0, 0, 1, 1).data;
      return { first: [0, 1, 2].every((i) => Math.abs(first[i] - blue[i]) < 12) && first[3] === 255, aboveDiagonal: corner[3] === 0 };
    },
    { left: LEFT, top: TOP, pitch, layer, head },
  );
}

async function waitFor<T>(read: () => T, done: (value: T) => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(read()); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
