// Every panel's Copy Image and Save Data in headless Chromium on the real controller and worker: Save
// Data hands the host (through the real controller) the export format's text, which reads back with
// the prompt, the model and the very weights the float64 reference gives; Copy Image puts a PNG of the
// panel's canvas on the clipboard when the page may write it, and else saves it through the host.

import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { PRESETS } from '../../src/explorer/presets';
import { readAnalysis, readExport } from '../../src/protocol/export-format';
import { TINY } from '../engine/models';
import { loadReferenceModel, referenceForward } from '../engine/reference';
import { echoed } from './ui-echo';
import { realControllerSuite } from './real-controller-suite';

describe('explorer webview: Copy Image and Save Data (real controller and worker)', () => {
  const suite = realControllerSuite();

  async function openAttention() {
    const page = await suite.open();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.locator('.heatmap:not(.stale)').waitFor();
    return page.locator('section[aria-labelledby="attention-title"]');
  }

  it('Save Data: the attention panel’s numbers with the prompt and the model, as the reference gives them', async () => {
    const section = await openAttention();
    const before = suite.backend.ui.saved.length;
    await section.getByRole('button', { name: 'Save Data' }).click();
    await waitFor(() => suite.backend.ui.saved.length > before, 'the host was asked to save');
    const file = suite.backend.ui.saved.at(-1)!;
    assert.equal(file.kind, 'json');
    const read = readExport(new TextDecoder().decode(file.bytes));
    assert.ok(read.ok, !read.ok ? read.error : '');
    const saved = read.value;
    const ui = await echoed(suite.explorer!.host, (ui) => ui.tab === 'attention', 'the Self-Attention tab');
    assert.equal(file.name, `gpt2-attention-l${ui.layer}h${ui.head}.json`);
    assert.equal(saved.prompt.text, PRESETS[0].text);
    assert.deepEqual([saved.model.info.layers, saved.model.info.heads, saved.model.info.weights], [TINY.nLayer, TINY.nHead, 'float32']);
    assert.ok(saved.panel.type === 'attention');
    const ids = (await Gpt2Tokenizer.fromModelDir(suite.modelDir)).encode(PRESETS[0].text).map((token) => token.id);
    assert.deepEqual(saved.prompt.tokens.map((chip) => chip.id), ids);
    const T = ids.length;
    const offset = (ui.layer * TINY.nHead! + ui.head) * T * T;
    const expected = referenceForward(loadReferenceModel(suite.modelDir), ids).attention.subarray(offset, offset + T * T);
    const worst = saved.panel.view.weights.reduce((max, weight, i) => Math.max(max, Math.abs(weight - expected[i])), 0);
    assert.ok(worst <= 1e-5, `saved weights differ from the reference by ${worst}`);
  });

  it('GPT-2: Save Analysis writes the session and every panel at what it shows, as the reference gives them', async () => {
    await openAttention();
    const before = suite.backend.ui.saved.length;
    const path = await suite.backend.controller.saveAnalysis();
    assert.equal(path, 'saved/gpt2-analysis.json');
    assert.equal(suite.backend.ui.saved.length, before + 1);
    const read = readAnalysis(new TextDecoder().decode(suite.backend.ui.saved.at(-1)!.bytes));
    assert.ok(read.ok, !read.ok ? read.error : '');
    const analysis = read.value;
    assert.deepEqual(analysis.panels.map((panel) => panel.type), ['generation', 'positions', 'attention', 'headsGrid', 'lens', 'qkv', 'attribution']);
    const ids = analysis.session.tokens.map((chip) => chip.id);
    assert.deepEqual(analysis.prompt.tokens.map((chip) => chip.id), ids);
    const T = ids.length;
    const reference = referenceForward(loadReferenceModel(suite.modelDir), ids);
    const attention = analysis.panels.find((panel) => panel.type === 'attention')!;
    assert.ok(attention.type === 'attention');
    const { layer, head, weights } = attention.view;
    const offset = (layer * TINY.nHead! + head) * T * T;
    const worst = weights.reduce((max, weight, i) => Math.max(max, Math.abs(weight - reference.attention[offset + i])), 0);
    assert.ok(worst <= 1e-5, `saved weights differ from the reference by ${worst}`);
    assert.ok(!readExport(JSON.stringify(analysis)).ok, 'an analysis file is not a panel file');
  });

  it('GPT-2: Save Analysis right after a Layer change saves the layer on screen, not the one the panel last echoed', async () => {
    const section = await openAttention();
    const shown = await echoed(suite.explorer!.host, (ui) => ui.tab === 'attention', 'the Self-Attention tab');
    const other = (shown.layer + 1) % TINY.nLayer!;
    await section.getByRole('combobox', { name: 'Layer' }).click();
    await suite.explorer!.page.getByRole('option', { name: String(other), exact: true }).click();
    // At once: the panel echoes a change only once its UI has been still for 100 ms (webview/explorer/app.tsx).
    await suite.backend.controller.saveAnalysis();
    const read = readAnalysis(new TextDecoder().decode(suite.backend.ui.saved.at(-1)!.bytes));
    assert.ok(read.ok, !read.ok ? read.error : '');
    const attention = read.value.panels.find((panel) => panel.type === 'attention');
    assert.ok(attention?.type === 'attention');
    assert.equal(attention.view.layer, other, 'the attention saved is of the layer chosen');
  });

  it('Copy Image: a PNG of the heatmap on the clipboard when the page may write it', async () => {
    const section = await openAttention();
    await suite.explorer!.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await section.getByRole('button', { name: 'Copy Image' }).click();
    await section.getByText('Image copied to the clipboard.').waitFor();
    const [size, copied] = await suite.explorer!.page.evaluate(async () => {
      const canvas = document.querySelector('.heatmap canvas') as HTMLCanvasElement;
      const [item] = await navigator.clipboard.read();
      const bitmap = await createImageBitmap(await item.getType('image/png'));
      return [[canvas.width, canvas.height], [bitmap.width, bitmap.height]];
    });
    assert.deepEqual(copied, size, 'the copied image is the heatmap at its pixel size');
  });

  /** The clipboard's PNG: its size, and how many of its pixels are the background, reddish and bluish (the charts' colours). */
  async function copiedPicture(section: Locator) {
    await suite.explorer!.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await section.getByRole('button', { name: 'Copy Image' }).click();
    await section.getByText('Image copied to the clipboard.').waitFor();
    return suite.explorer!.page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const bitmap = await createImageBitmap(await item.getType('image/png'));
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [bitmap.width, bitmap.height];
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const [r0, g0, b0] = pixels;
      let background = 0;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
        if (r === r0 && g === g0 && b === b0) background++;
        if (r > g + 60 && r > b + 60) red++;
        if (b > r + 60 && b > g + 20) blue++;
      }
      return { size: [bitmap.width, bitmap.height], pixels: pixels.length / 4, background, red, blue, ratio: window.devicePixelRatio };
    });
  }

  it('Copy Image of the Generation panel (drawn without a canvas): its bars and words, without its buttons', async () => {
    const page = await suite.open();
    await page.getByRole('tab', { name: 'Generation' }).click();
    const section = page.locator('section').filter({ has: page.getByRole('button', { name: 'Step: append the top token' }) });
    const box = (await section.boundingBox())!;
    const picture = await copiedPicture(section);
    assert.equal(picture.size[0], Math.ceil(box.width * picture.ratio), 'as wide as the panel');
    assert.ok(picture.size[1] > 0 && picture.size[1] < Math.ceil(box.height * picture.ratio), `shorter than the panel without its controls: ${picture.size[1]} of ${box.height}`);
    const drawn = picture.pixels - picture.background;
    assert.ok(drawn > picture.pixels * 0.02, `the picture holds something besides the background: ${drawn} of ${picture.pixels} pixels`);
  });

  it('Copy Image of the Q/K/V strips: red and blue cells in the picture', async () => {
    const page = await suite.open();
    await page.getByRole('tab', { name: 'Self-Attention' }).click();
    await page.locator('.chip').last().click();
    await page.getByRole('button', { name: 'Show Q / K / V Vectors' }).click();
    await page.locator('.qkv:not(.stale) .cell--pos').first().waitFor();
    const section = page.locator('section').filter({ has: page.getByRole('button', { name: 'Hide Q / K / V Vectors' }) });
    const picture = await copiedPicture(section);
    assert.ok(picture.red > 20 && picture.blue > 20, `positive cells in red and negative in blue: ${picture.red} red, ${picture.blue} blue pixels`);
  });

  it('Copy Image: saved as a PNG file through the host when the clipboard refuses', async () => {
    const section = await openAttention();
    await suite.explorer!.page.evaluate(`navigator.clipboard.write = () => Promise.reject(new DOMException('refused', 'NotAllowedError'))`);
    const before = suite.backend.ui.saved.length;
    await section.getByRole('button', { name: 'Copy Image' }).click();
    await waitFor(() => suite.backend.ui.saved.length > before, 'the host was asked to save the image');
    const file = suite.backend.ui.saved.at(-1)!;
    assert.equal(file.kind, 'png');
    assert.match(file.name, /^gpt2-attention-l\d+h\d+\.png$/);
    assert.deepEqual([...file.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await section.getByText(/save it as a PNG file/).waitFor();
  });
});

async function waitFor(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
