// Issue 15: all heads at a glance, on the full-size model (12 × 12 heads). Two figures per length
// (12 and 256 tokens): what the worker's headsGrid request costs (every head's [T, T] from the
// session's Attention kernel, reduced to ≤ 16 × 16 and 8 bits), and the grid's redraw in headless
// Chromium — webview/explorer/heads-grid-draw.ts bundled as it is, drawing that very view at the
// panel's widest (720 CSS px, device pixel ratio 2), a 1-pixel read after each draw so the canvas has
// really painted. Target: redraw ≤ 16 ms at 12 tokens, ≤ 50 ms at 256.
import { build } from 'esbuild';
import { join } from 'node:path';
import { Gpt2Model } from '../../src/engine/model';
import { Gpt2Tokenizer } from '../../src/engine/tokenizer';
import { headsGrid } from '../../src/explorer/heads-grid';
import { ExplorerSession } from '../../src/explorer/session';
import type { HeadsGridView } from '../../src/protocol/views';
import { launchChromium } from '../../test/webview/harness';
import { emptyResult, type CaseContext, type CaseResult } from '../harness/case';
import { summarize, time } from '../harness/stats';
import { promptIds } from './prompts';

const LENGTHS = [12, 256];
const WIDTH = 720;
const PALETTE = { blue: '#3794ff', red: '#f14c4c', foreground: '#cccccc', muted: '#9d9d9d', background: '#1e1e1e', grid: '#2b2b2b', focus: '#0078d4', font: '11px sans-serif' };

export async function headsGridCase(context: CaseContext): Promise<CaseResult> {
  const result = emptyResult();
  const model = await Gpt2Model.load(context.modelDir, { threads: context.threads });
  const tokenizer = await Gpt2Tokenizer.fromModelDir(context.modelDir);
  const grids: HeadsGridView[] = [];
  for (const length of LENGTHS) {
    const sentence = { id: `bench-${length}`, text: `${length} bench tokens`, source: 'custom' as const };
    const session = await ExplorerSession.create(model, tokenizer, { sentence, ids: promptIds(length) });
    result.timings[`heads_grid_request${length}`] = await time(() => headsGrid(session, length - 1), { repeats: Math.max(3, context.repeats >> 1), warmup: 1 });
    grids.push(await headsGrid(session, length - 1));
    session.dispose();
  }
  await model.dispose();
  const redraws = await redrawInChromium(grids, context.repeats * 10);
  LENGTHS.forEach((length, i) => (result.timings[`heads_grid_redraw${length}`] = summarize(redraws[i])));
  result.notes.push('heads grid: request = the worker computing all 144 heads\' [T, T] and reducing them; redraw = heads-grid-draw.ts in headless Chromium (software canvas), 720 CSS px at ratio 2, flushed by a 1-pixel read');
  return result;
}

/** Every redraw's ms, per grid, in one page: the drawing module bundled on the spot from its source. */
async function redrawInChromium(grids: HeadsGridView[], repeats: number): Promise<number[][]> {
  const bundle = await build({ entryPoints: [join(__dirname, '..', '..', 'webview', 'explorer', 'heads-grid-draw.ts')], bundle: true, write: false, format: 'iife', globalName: 'headsGridDraw' });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ deviceScaleFactor: 2 })).newPage();
    await page.setContent('<canvas></canvas>');
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    // A string, not a function: tsx would add helpers the page does not have.
    const measure = `async ({ grids, repeats, width, palette }) => {
      const { drawHeadsGrid, gridSize, layoutHeadsGrid, resolveColour } = window.headsGridDraw;
      const canvas = document.querySelector('canvas');
      const scratch = document.createElement('canvas');
      const rgb = resolveColour(palette.blue);
      return grids.map((grid) => {
        const layout = layoutHeadsGrid(grid.layers, grid.heads, width);
        const size = gridSize(layout);
        canvas.width = size.width * 2;
        canvas.height = size.height * 2;
        const ctx = canvas.getContext('2d');
        ctx.setTransform(2, 0, 0, 2, 0, 0);
        const samples = [];
        for (let i = 0; i < repeats + 3; i++) {
          const start = performance.now();
          drawHeadsGrid(ctx, scratch, layout, grid, { layer: i % grid.layers, head: 0 }, palette, rgb);
          ctx.getImageData(0, 0, 1, 1);
          if (i >= 3) samples.push(performance.now() - start);
        }
        return samples;
      });
    }`;
    return await page.evaluate(`(${measure})(${JSON.stringify({ grids, repeats, width: WIDTH, palette: PALETTE })})`);
  } finally {
    await browser.close();
  }
}
